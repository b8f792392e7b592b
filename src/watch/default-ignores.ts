/** Never worth a restart: VCS data, dependencies, caches, build output, editor droppings. */
export const DEFAULT_IGNORES = [
  "**/.git/**",
  "**/node_modules/**",
  "**/__pycache__/**",
  "**/.venv/**",
  "**/venv/**",
  "**/dist/**",
  "**/build/**",
  "**/.pytest_cache/**",
  "**/.mypy_cache/**",
  "**/*.pyc",
  // SQLite data (the Django starter's database without DATABASE_URL): written by the app itself.
  "**/*.sqlite3",
  "**/*.sqlite3-journal",
  "**/*.swp",
  "**/*.swx",
  "**/*~",
  "**/.#*",
  "**/4913",
  "**/.*.create-stack-*",
  ".create-stack/**",
];
