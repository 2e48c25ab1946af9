// The inbound SMTP server: real SMTP for any client (Python smtplib, swaks, a
// Postfix relay). Mail for an email inbox's address is accepted, anything else
// gets 550; the size limit is advertised (SIZE) and enforced (552). A message
// is answered 250 only once it is stored; a database fault answers 451 so the
// sender retries, and the retry is stored once (Message-ID idempotency).
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { findEmailInboxByAddress, type EmailInbox } from "./inboxes";
import { EmailRejectedError, ingestEmail, isTemporaryFailure } from "./inbound";

export type SmtpServerOptions = {
  host: string;
  port: number;
  maxBytes: number;
  /** Paths to a PEM key and certificate; STARTTLS is offered only with both. */
  tlsKeyPath?: string;
  tlsCertPath?: string;
  /** Server name in the greeting. */
  name?: string;
  log?: (line: string) => void;
};

export type RunningSmtpServer = { port: number; server: SMTPServer; stop: () => Promise<void> };

type Recipient = SMTPServerAddress & { inbox?: EmailInbox };

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

const INBOX_CACHE_MS = 30_000;

const TEMPORARY = () => smtpError("4.3.0 Temporary failure, try again later", 451);

export function createSmtpServer(opts: SmtpServerOptions): SMTPServer {
  const log = opts.log ?? ((line: string) => console.error(line));
  const tls = opts.tlsKeyPath && opts.tlsCertPath ? { key: readFileSync(opts.tlsKeyPath), cert: readFileSync(opts.tlsCertPath) } : null;

  // Known addresses are remembered briefly: one query less per message, and a
  // database outage shows where it matters (451 on DATA, nothing stored).
  const known = new Map<string, { inbox: EmailInbox; until: number }>();
  const lookup = async (address: string) => {
    const key = address.toLowerCase();
    const hit = known.get(key);
    if (hit && hit.until > Date.now()) return hit.inbox;
    const inbox = await findEmailInboxByAddress(address);
    if (inbox) {
      if (known.size > 1000) known.clear();
      known.set(key, { inbox, until: Date.now() + INBOX_CACHE_MS });
    } else known.delete(key);
    return inbox;
  };

  const onRcptTo = (address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) => {
    lookup(address.address)
      .then((inbox) => {
        if (!inbox) return callback(smtpError("5.1.1 No such mailbox", 550));
        (address as Recipient).inbox = inbox;
        callback();
      })
      .catch((error: unknown) => {
        log(`[smtp] recipient lookup failed: ${(error as Error).message}`);
        callback(TEMPORARY());
      });
  };

  const onData = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit we keep reading (the client is still sending) but keep nothing.
      if (size <= opts.maxBytes) chunks.push(chunk);
    });
    stream.once("error", (error) => callback(smtpError(`4.3.0 ${error.message}`, 451)));
    stream.once("end", () => {
      if (stream.sizeExceeded || size > opts.maxBytes) return callback(smtpError(`5.3.4 Message too big (limit ${opts.maxBytes} bytes)`, 552));
      const raw = Buffer.concat(chunks);
      deliver(raw, session)
        .then((ids) => callback(null, `OK: stored ${ids.join(", ")}`))
        .catch((error: unknown) => {
          if (error instanceof EmailRejectedError) return callback(smtpError(error.message, error.smtpCode));
          if (!isTemporaryFailure(error)) return callback(smtpError(`5.6.0 ${(error as Error).message}`, 554));
          log(`[smtp] storing a message failed, answered 451: ${(error as Error).message}`);
          callback(TEMPORARY());
        });
    });
  };

  /** Stores the message once per inbox among the recipients; throws unless all are stored. */
  async function deliver(raw: Buffer, session: SMTPServerSession): Promise<string[]> {
    const rcpts = session.envelope.rcptTo as Recipient[];
    const byInbox = new Map<string, { inbox: EmailInbox; rcptTo: string[] }>();
    for (const r of rcpts) {
      if (!r.inbox) continue;
      const entry = byInbox.get(r.inbox.id) ?? { inbox: r.inbox, rcptTo: [] };
      entry.rcptTo.push(r.address);
      byInbox.set(r.inbox.id, entry);
    }
    if (byInbox.size === 0) throw new EmailRejectedError("5.1.1 No valid recipients", 554);
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
    const ids: string[] = [];
    for (const { inbox, rcptTo } of byInbox.values()) {
      const result = await ingestEmail({ inbox, raw, envelope: { mailFrom, rcptTo }, receivedVia: "smtp" });
      ids.push(result.messageId ?? result.eventId);
    }
    return ids;
  }

  return new SMTPServer({
    name: opts.name,
    banner: "Throughline ESMTP",
    size: opts.maxBytes,
    authOptional: true,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(tls ? { key: tls.key, cert: tls.cert } : {}),
    logger: false,
    maxClients: 200,
    closeTimeout: 5_000,
    socketTimeout: 120_000,
    onRcptTo,
    onData,
  });
}

export async function startSmtpServer(opts: SmtpServerOptions): Promise<RunningSmtpServer> {
  const server = createSmtpServer(opts);
  server.on("error", (error: Error & { code?: string }) => {
    // A client hanging up mid-session is the client's business.
    if (error.code === "ECONNRESET" || error.code === "EPIPE" || error.code === "ETIMEDOUT") return;
    (opts.log ?? console.error)(`[smtp] ${error.message}`);
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    server.server.once("error", fail);
    server.listen(opts.port, opts.host, () => {
      server.server.off("error", fail);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
