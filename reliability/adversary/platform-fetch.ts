/**
 * Imported first by `drive.ts`: the platform's own fetch (Node's bundled undici) becomes the global
 * dispatcher before anything loads the `undici` package, whose first import makes its own Agent the
 * global one when none is set yet. Without this, every case of a child would run on the package's undici
 * once one case had used a caller's dispatcher, and not on the fetch users get from Node.
 */
void fetch('').catch(() => {});
