import type { NextApiRequest, NextApiResponse } from 'next';
import { PrismaClient, Prisma } from '@prisma/client';
import { z } from 'zod';

const prisma = new PrismaClient();

const updateSchema = z.object({
  name: z.string().min(1).max(100).optional(),
  bio: z.string().max(500).optional(),
});

type Data = { id: number; name: string | null; bio: string | null } | { error: string };

export default async function handler(req: NextApiRequest, res: NextApiResponse<Data>) {
  const id = Number(req.query.id);
  if (!Number.isInteger(id)) {
    return res.status(400).json({ error: 'Invalid id' });
  }

  switch (req.method) {
    case 'GET': {
      const user = await prisma.user.findUnique({ where: { id }, select: { id: true, name: true, bio: true } });
      if (!user) return res.status(404).json({ error: 'Not found' });
      return res.status(200).json(user);
    }
    case 'PUT': {
      const parsed = updateSchema.safeParse(req.body);
      if (!parsed.success) {
        return res.status(400).json({ error: parsed.error.message });
      }
      try {
        const user = await prisma.user.update({
          where: { id },
          data: parsed.data,
          select: { id: true, name: true, bio: true },
        });
        return res.status(200).json(user);
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025') {
          return res.status(404).json({ error: 'Not found' });
        }
        throw error;
      }
    }
    default:
      res.setHeader('Allow', ['GET', 'PUT']);
      return res.status(405).json({ error: `Method ${req.method} Not Allowed` });
  }
}

export async function searchUsers(term: string, limit = 20) {
  // Tagged template: Prisma sends term as a bound parameter.
  return prisma.$queryRaw<{ id: number; name: string }[]>`
    SELECT id, name FROM "User" WHERE name ILIKE ${'%' + term + '%'} LIMIT ${limit}
  `;
}
