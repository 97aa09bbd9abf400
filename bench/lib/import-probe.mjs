// Child process for the start-up benchmark: imports every URL given on the command line and prints the ms it took.
const started = performance.now()
for (const url of process.argv.slice(2)) await import(url)
process.stdout.write(String(performance.now() - started))
