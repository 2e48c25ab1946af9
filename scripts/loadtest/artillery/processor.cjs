// Artillery processor for the widget visitors (loaded by artillery's worker
// threads, hence CommonJS). One virtual user = one widget visitor: artillery's
// socket.io engine opens the /widget connection with `auth: {inbox}`; these
// functions give each message a unique clientId and the send time, pace the
// visitor (a message every LOADTEST_MIN_MS..LOADTEST_MAX_MS, none later than
// LOADTEST_DURATION_MS after the first visitor arrived), and log every send and
// ack for the orchestrator.
//
// Message text: "lt:<runId>:<clientId>:<sentAtMs> …" — agents parse it
// (scripts/loadtest/marker.ts; keep the two in step).
"use strict";
const fs = require("node:fs");
const crypto = require("node:crypto");
const { threadId } = require("node:worker_threads");

const RUN = process.env.LOADTEST_RUN_ID;
const PART = process.env.LOADTEST_PART || "a";
const DURATION_MS = Number(process.env.LOADTEST_DURATION_MS);
const MIN_MS = Number(process.env.LOADTEST_MIN_MS);
const MAX_MS = Number(process.env.LOADTEST_MAX_MS);
const LOG = `${process.env.LOADTEST_VISITOR_LOG}-${process.pid}-${threadId}.log`;

const between = (lo, hi) => lo + Math.random() * (hi - lo);
// Synchronous appends: a few hundred lines a second at most, and nothing is
// lost when artillery ends its worker abruptly.
const record = (line) => fs.appendFileSync(LOG, `${line}\n`);

// The send phase starts when the first visitor arrives (artillery's own start-up
// time does not eat into it).
let SEND_END;

/** Once per visitor: identity and a first delay spread over one interval. */
function init(context, events, done) {
  SEND_END ??= Date.now() + DURATION_MS;
  context.vars.vu = `${PART}${crypto.randomBytes(5).toString("hex")}`;
  context.vars.seq = 0;
  context.vars.delayMs = Math.round(between(0, MAX_MS));
  // Init runs after artillery's socket connected: this counts visitors in.
  events.emit("counter", "loadtest.visitors_connected", 1);
  const socket = context.sockets && context.sockets[""];
  if (socket) {
    // Drops other than artillery's own close at the end are errors worth seeing.
    socket.on("disconnect", (reason) => {
      if (reason !== "io client disconnect") events.emit("counter", `loadtest.visitor_disconnect.${reason.replace(/\s+/g, "_")}`, 1);
    });
  }
  return done();
}

/** loop whileTrue: another message only if it would go out before the end of the send phase. */
function keepSending(context, next) {
  return next(Date.now() + context.vars.delayMs <= SEND_END);
}

function wait(context, events, done) {
  setTimeout(done, context.vars.delayMs);
}

function compose(context, events, done) {
  const seq = ++context.vars.seq;
  const clientId = `lt-${RUN}-${context.vars.vu}-${seq}`;
  const sentAt = Date.now();
  context.vars.clientId = clientId;
  context.vars.sentAt = sentAt;
  context.vars.text = `lt:${RUN}:${clientId}:${sentAt} Hi, question ${seq} about my deployment — can someone help?`;
  context.vars.ack = undefined;
  record(`s ${clientId} ${sentAt}`);
  return done();
}

/** After the ack (artillery captured it into vars.ack): log it, count refusals by kind, pick the next delay. */
function acked(context, events, done) {
  const ack = context.vars.ack;
  const ms = Date.now() - context.vars.sentAt;
  if (ack && ack.ok === true) {
    record(`a ${context.vars.clientId} ok ${ms} ${ack.duplicate ? 1 : 0}`);
    events.emit("counter", "loadtest.acked", 1);
  } else {
    const code = (ack && ack.error) || "no_ack_payload";
    record(`a ${context.vars.clientId} ${code} ${ms} 0`);
    events.emit("counter", `loadtest.refused.${code}`, 1);
  }
  context.vars.delayMs = Math.round(between(MIN_MS, MAX_MS));
  return done();
}

/** Visitors stay connected until the send phase ends. */
function stayUntilEnd(context, events, done) {
  setTimeout(done, Math.max(0, SEND_END - Date.now()));
}

module.exports = { init, keepSending, wait, compose, acked, stayUntilEnd };
