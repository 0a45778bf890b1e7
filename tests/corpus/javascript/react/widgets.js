// Plain DOM widgets (no framework), as in a small dashboard page.
import DOMPurify from 'dompurify';

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea'];

export function renderToast(message, { timeout = 3000 } = {}) {
  const toast = document.createElement('div');
  toast.className = 'toast';
  toast.setAttribute('role', 'status');
  toast.textContent = message;
  document.body.appendChild(toast);
  setTimeout(() => toast.remove(), timeout);
  return toast;
}

export function renderTable(container, rows) {
  container.innerHTML = '';
  const table = document.createElement('table');
  const header = table.createTHead().insertRow();
  for (const title of ['Name', 'Email', 'Role']) {
    const th = document.createElement('th');
    th.textContent = title;
    header.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const value of [row.name, row.email, row.role]) {
      tr.insertCell().textContent = value;
    }
  }
  container.appendChild(table);
}

export function renderArticle(container, html) {
  container.innerHTML = DOMPurify.sanitize(html, { USE_PROFILES: { html: true } });
}

export function randomAccent() {
  return PALETTE[Math.floor(Math.random() * PALETTE.length)];
}

export function debounce(fn, wait = 250) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

export function highlight(text, term) {
  const escaped = term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(${escaped})`, 'gi');
  return text.split(pattern).map((part, index) => ({ part, match: index % 2 === 1 }));
}

export function setStatus(element, status) {
  element.dataset.status = status;
  element.querySelector('.label').textContent = status === 'ok' ? 'All systems normal' : 'Degraded';
  element.insertAdjacentHTML('beforeend', '<span class="dot" aria-hidden="true"></span>');
}
