import { NextRequest, NextResponse } from 'next/server';
import { sql } from '@vercel/postgres';

export const runtime = 'nodejs';

const PAGE_SIZE = 20;

export async function GET(request: NextRequest) {
  const { searchParams } = request.nextUrl;
  const q = searchParams.get('q')?.trim() ?? '';
  const page = Math.max(Number(searchParams.get('page') ?? '1') || 1, 1);
  if (q.length < 2) {
    return NextResponse.json({ results: [], page });
  }
  const offset = (page - 1) * PAGE_SIZE;
  const { rows } = await sql`
    SELECT id, title, excerpt
    FROM posts
    WHERE to_tsvector('english', title || ' ' || body) @@ plainto_tsquery('english', ${q})
    ORDER BY published_at DESC
    LIMIT ${PAGE_SIZE} OFFSET ${offset}
  `;
  return NextResponse.json({ results: rows, page });
}

export async function POST(request: NextRequest) {
  const body = await request.json().catch(() => null);
  if (!body || typeof body.title !== 'string') {
    return NextResponse.json({ error: 'title is required' }, { status: 400 });
  }
  const title = body.title.slice(0, 200);
  const { rows } = await sql`INSERT INTO drafts (title) VALUES (${title}) RETURNING id`;
  const target = new URL(`/drafts/${rows[0].id}`, request.url);
  return NextResponse.redirect(target, 303);
}
