import type { GetServerSideProps } from 'next';
import Head from 'next/head';
import Link from 'next/link';
import { useState } from 'react';

type Post = { id: number; title: string; excerpt: string; slug: string };

type Props = { posts: Post[]; page: number; query: string };

export const getServerSideProps: GetServerSideProps<Props> = async ({ query }) => {
  const page = Math.max(Number(query.page ?? 1) || 1, 1);
  const q = typeof query.q === 'string' ? query.q : '';
  const params = new URLSearchParams({ page: String(page), q });
  const response = await fetch(`${process.env.API_URL}/posts?${params.toString()}`);
  if (!response.ok) {
    return { notFound: true };
  }
  const posts: Post[] = await response.json();
  return { props: { posts, page, query: q } };
};

export default function PostsPage({ posts, page, query }: Props) {
  const [filter, setFilter] = useState(query);
  const visible = posts.filter((post) => post.title.toLowerCase().includes(filter.toLowerCase()));

  return (
    <>
      <Head>
        <title>{query ? `Posts matching “${query}”` : 'All posts'}</title>
      </Head>
      <main className="container">
        <input
          type="search"
          placeholder="Filter posts"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          aria-label="Filter posts"
        />
        {visible.length === 0 ? (
          <p>No posts found.</p>
        ) : (
          <ul>
            {visible.map((post) => (
              <li key={post.id}>
                <Link href={`/posts/${encodeURIComponent(post.slug)}`}>{post.title}</Link>
                <p>{post.excerpt}</p>
              </li>
            ))}
          </ul>
        )}
        <nav>
          {page > 1 && <Link href={{ pathname: '/posts', query: { page: page - 1, q: query } }}>Previous</Link>}
          <Link href={{ pathname: '/posts', query: { page: page + 1, q: query } }}>Next</Link>
        </nav>
      </main>
    </>
  );
}
