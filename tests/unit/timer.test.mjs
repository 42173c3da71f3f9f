/*
 * timer.test.mjs — timer.js, the time left of an activity's timer on a
 * page: counted from the server's clock (the offset the client keeps),
 * never below zero, what is left while it does not run, none without a
 * timer; and its text, rounded up to the second.
 *
 * Run: node --test tests/unit/timer.test.mjs (ctest: pages_timer)
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeLeft, formatTime } from '../../web/js/timer.js';

test('a running timer counts down from the server\'s clock, whatever the page\'s', () => {
  const timer = { duration: 300000, left: 0, ends: 5000000, running: true, advance: false };
  /* the server is 1,000,000 ms ahead of this page */
  assert.equal(timeLeft(timer, 1000000, 3900000), 100000);
  /* another page, its clock elsewhere, the same server */
  assert.equal(timeLeft(timer, -2000000, 6900000), 100000);
  assert.equal(timeLeft(timer, 1000000, 4000000), 0, 'at its end');
  assert.equal(timeLeft(timer, 1000000, 4500000), 0, 'never below zero');
});

test('a timer that does not run shows what is left; none without a timer', () => {
  assert.equal(timeLeft({ duration: 60000, left: 42000, ends: null, running: false }, 123, 456), 42000);
  assert.equal(timeLeft({ duration: 60000, left: 0, ends: null, running: false }, 0, 0), 0);
  assert.equal(timeLeft(null, 0, 0), null);
  assert.equal(timeLeft(undefined, 0, 0), null);
});

test('the text rounds up to the second: 0:00 only once it is over', () => {
  assert.equal(formatTime(0), '0:00');
  assert.equal(formatTime(1), '0:01');
  assert.equal(formatTime(999), '0:01');
  assert.equal(formatTime(1000), '0:01');
  assert.equal(formatTime(1001), '0:02');
  assert.equal(formatTime(90000), '1:30');
  assert.equal(formatTime(119990), '2:00');
  assert.equal(formatTime(3600000), '1:00:00');
  assert.equal(formatTime(3725000), '1:02:05');
  assert.equal(formatTime(-5), '0:00');
});
