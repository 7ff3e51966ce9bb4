// Errors as they go into logs: name and the first line or so of the message. Prisma's messages quote
// whole source files, and no error here should carry request bodies (which may hold secrets) into a log.
export function errorSummary(error: unknown, max = 300): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const squeezed = text.replace(/\s+/g, ' ').trim();
  // Prisma: the useful part is the last sentence ("The table `main.X` does not exist…").
  const prisma = /Invalid `.*?` invocation.*?(\S[^.]*\.)\s*$/.exec(squeezed);
  const summary = prisma ? `PrismaError: ${prisma[1]}` : squeezed;
  return summary.length > max ? `${summary.slice(0, max)}…` : summary;
}
