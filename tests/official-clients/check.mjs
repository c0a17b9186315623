let failed = 0;
export function check(name, ok) {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`);
  if (!ok) { failed += 1; process.exitCode = 1; }
}
