import crypto from 'node:crypto';
import { NextRequest, NextResponse } from 'next/server';

const WEBHOOK_SECRET = process.env.WEBHOOK_SECRET ?? '';

function verifySignature(payload: string, signature: string | null): boolean {
  if (!signature) return false;
  const expected = crypto.createHmac('sha256', WEBHOOK_SECRET).update(payload).digest('hex');
  const a = Buffer.from(expected);
  const b = Buffer.from(signature.replace(/^sha256=/, ''));
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export async function POST(request: NextRequest) {
  const payload = await request.text();
  if (!verifySignature(payload, request.headers.get('x-signature'))) {
    return NextResponse.json({ error: 'Invalid signature' }, { status: 401 });
  }
  const event = JSON.parse(payload) as { type: string; id: string };
  const etag = crypto.createHash('sha256').update(payload).digest('base64url');
  return NextResponse.json({ received: event.type, id: event.id }, { headers: { ETag: etag } });
}
