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
  "pip-requirements",
  "toml",
  "yaml",
  "dotenv",
  "properties",
  "ini",
  "shellscript",
  "dockerfile",
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
  for (const pattern of FILE_PATTERNS) {
    selector.push({ scheme: "file", pattern });
  }
  return selector;
}
