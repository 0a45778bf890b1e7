/**
 * Which documents Landguard checks. Kept free of 'vscode' so the lists are unit-tested under Node.
 *
 * Language ids cover what VS Code and the common language extensions call these files; the file
 * patterns catch the same files when no extension gives them a language (a `.env` or
 * `requirements.txt` is plain text in a bare VS Code).
 */

export const LANGUAGE_IDS: readonly string[] = [
  "python",
  "javascript",
  "javascriptreact",
  "typescript",
  "typescriptreact",
  "java",
  // Vue single-file components (the Vue extension's id); Django and Jinja templates (the ids of
  // the Django and Jinja extensions). Plain "html" is matched by the template patterns below only.
  "vue",
  "django-html",
  "jinja-html",
  "jinja",
  "pip-requirements",
  "toml",
  "yaml",
  "dotenv",
  "properties",
  "ini",
  "shellscript",
  "dockerfile",
  "markdown",
];

/**
 * Files AI assistants read or are configured by: rules files (prompt injection, LG602), MCP server
 * configurations (LG606) and the assistants' ignore files (what they may read, LG604). Most have no
 * language of their own in VS Code (`.cursorrules` is plain text), so they are matched by name.
 */
export const AI_FILE_PATTERNS: readonly string[] = [
  "**/.cursorrules",
  "**/.windsurfrules",
  "**/.clinerules",
  "**/*.mdc",
  "**/AGENTS.md",
  "**/CLAUDE.md",
  "**/GEMINI.md",
  "**/copilot-instructions.md",
  "**/*.instructions.md",
  "**/mcp.json",
  "**/.mcp.json",
  "**/mcp_config.json",
  "**/claude_desktop_config.json",
  "**/.cursorignore",
  "**/.cursorindexingignore",
  "**/.aiexclude",
  "**/.codeiumignore",
  "**/.aiderignore",
  "**/.continueignore",
  "**/.geminiignore",
];

/** Files checked whatever language id they were given. */
export const FILE_PATTERNS: readonly string[] = [
  "**/package.json",
  "**/requirements*.txt",
  "**/pyproject.toml",
  "**/*.toml",
  "**/.env",
  "**/.env.*",
  "**/*.properties",
  "**/*.ini",
  "**/*.cfg",
  "**/Dockerfile",
  "**/*.dockerfile",
  // Vue components and Django/Jinja templates when no extension gives them a language.
  "**/*.vue",
  "**/*.jinja",
  "**/*.jinja2",
  "**/*.j2",
  "**/*.djhtml",
  "**/templates/**/*.html",
  "**/jinja2/**/*.html",
];

export interface DocumentFilterLike {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** A documentSelector for vscode-languageclient: on-disk and unsaved documents of every language above. */
export function documentSelector(): DocumentFilterLike[] {
  const selector: DocumentFilterLike[] = [];
  for (const scheme of ["file", "untitled"]) {
    for (const language of LANGUAGE_IDS) {
      selector.push({ scheme, language });
    }
  }
  // JSON only for package.json: other JSON files carry no dependencies or code we check.
  selector.push({ scheme: "file", language: "json", pattern: "**/package.json" });
  for (const pattern of [...FILE_PATTERNS, ...AI_FILE_PATTERNS]) {
    selector.push({ scheme: "file", pattern });
  }
  return selector;
}
