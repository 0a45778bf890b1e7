// Browser widget that renders a user's comment.
export function renderComment(container: HTMLElement, comment: { author: string; body: string }) {
  container.innerHTML = `<p><b>${comment.author}</b>: ${comment.body}</p>`;
}

export function renderTitle(container: HTMLElement, title: string) {
  container.textContent = title;
}
