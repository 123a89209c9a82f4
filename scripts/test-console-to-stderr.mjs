// Loaded into every test process by run-tests.mjs. node's test runner reads each test file's
// results from that child's stdout as framed binary messages, and plain text written between
// them can be misread as a frame ("Unable to deserialize cloned data"), failing the whole file
// for no fault of its own (nodejs/node#64061, #66164). So `console` in a test process writes to
// stderr, which the runner passes through as text; the figures tests print still reach the log.
import { Console } from 'node:console';

globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
