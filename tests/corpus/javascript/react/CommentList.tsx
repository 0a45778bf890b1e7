import React, { useEffect, useMemo, useState } from 'react';
import DOMPurify from 'dompurify';
import { marked } from 'marked';

type Comment = {
  id: string;
  author: string;
  body: string;
  createdAt: string;
};

type Props = {
  postId: string;
  currentUser?: { id: string; name: string };
};

export function CommentList({ postId, currentUser }: Props) {
  const [comments, setComments] = useState<Comment[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    fetch(`/api/posts/${encodeURIComponent(postId)}/comments`, { signal: controller.signal })
      .then((response) => {
        if (!response.ok) throw new Error(`Request failed: ${response.status}`);
        return response.json();
      })
      .then((data: Comment[]) => setComments(data))
      .catch((err) => {
        if (err.name !== 'AbortError') setError(err.message);
      })
      .finally(() => setLoading(false));
    return () => controller.abort();
  }, [postId]);

  const sorted = useMemo(
    () => [...comments].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime()),
    [comments],
  );

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft.trim()) return;
    const optimistic: Comment = {
      id: crypto.randomUUID(),
      author: currentUser?.name ?? 'You',
      body: draft,
      createdAt: new Date().toISOString(),
    };
    setComments((previous) => [optimistic, ...previous]);
    setDraft('');
    const response = await fetch(`/api/posts/${encodeURIComponent(postId)}/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ body: optimistic.body }),
    });
    if (!response.ok) {
      setError('Could not post your comment. Please try again.');
      setComments((previous) => previous.filter((comment) => comment.id !== optimistic.id));
    }
  }

  if (loading) return <p className="text-gray-500">Loading comments…</p>;

  return (
    <section aria-labelledby="comments-heading">
      <h2 id="comments-heading">{sorted.length} comments</h2>
      {error && <p role="alert">{error}</p>}
      <ul>
        {sorted.map((comment) => (
          <li key={comment.id}>
            <strong>{comment.author}</strong>
            <time dateTime={comment.createdAt}>{new Date(comment.createdAt).toLocaleString()}</time>
            <div
              className="prose"
              dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(marked.parse(comment.body) as string) }}
            />
          </li>
        ))}
      </ul>
      {currentUser && (
        <form onSubmit={handleSubmit}>
          <label htmlFor="comment">Add a comment</label>
          <textarea id="comment" value={draft} onChange={(event) => setDraft(event.target.value)} maxLength={2000} />
          <button type="submit" disabled={!draft.trim()}>
            Post
          </button>
        </form>
      )}
    </section>
  );
}
