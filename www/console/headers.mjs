// Pasted HTTP headers ("Name: value" per line) into a plain object for verifyNotification.

/** @returns {{ headers: Record<string, string>, problems: string[] }} */
export function parseHeaderLines(text) {
  const headers = {};
  const problems = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${index + 1} is not "Name: value"`);
      return;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // Repeated headers are joined the way HTTP folds them.
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]}, ${value}` : value;
  });
  return { headers, problems };
}
