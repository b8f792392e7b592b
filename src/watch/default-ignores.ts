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
  "**/*.swp",
  "**/*.swx",
  "**/*~",
  "**/.#*",
  "**/4913",
  "**/.*.create-stack-*",
];
