// Ends a child process when the launcher that started it is gone, however the launcher ended (Ctrl-C, closed
// terminal, SIGKILL, crash). Usage: node dev/watchdog.mjs <pid to kill> <signal> [grace ms]
// The launcher keeps our stdin open through a pipe; the kernel closes it when the launcher dies, so EOF is the
// signal. A change of parent pid (we are re-parented to init or a subreaper) is the fallback for odd shells.
// Plain Node, no dependencies: it must start in milliseconds and survive without node_modules' loaders.
import { readFileSync } from 'node:fs';

const [pidArg, signal = 'SIGTERM', graceArg = '5000'] = process.argv.slice(2);
const target = Number(pidArg);
const grace = Number(graceArg);
const parent = process.ppid;

// Alive, and not a zombie that a slow init (containers) has yet to reap.
const alive = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return process.platform !== 'linux';
  }
};

let ending = false;
function end() {
  if (ending) return;
  ending = true;
  if (!alive(target)) process.exit(0);
  try {
    process.kill(target, signal);
  } catch {}
  const started = Date.now();
  const timer = setInterval(() => {
    if (!alive(target)) process.exit(0);
    if (Date.now() - started > grace) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {}
      clearInterval(timer);
      process.exit(0);
    }
  }, 100);
}

// The launcher's own signals must not end us before it has decided what to do; EOF on stdin still will.
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
process.stdin.on('end', end);
process.stdin.on('error', end);
process.stdin.resume();
setInterval(() => {
  if (process.ppid !== parent) end();
  else if (!alive(target)) process.exit(0); // the child ended on its own: nothing left to watch
}, 500);
