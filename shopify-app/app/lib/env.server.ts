// Numeric settings from the environment: a value that is missing, not a number or not above zero falls
// back to the default rather than stopping a worker (the README's configuration table lists them).
export function positiveNumberEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
