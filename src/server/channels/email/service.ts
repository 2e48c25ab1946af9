// The email channel's background services, started with the app: the inbound
// SMTP server and the outbound sender (registered with the outbox worker).
import type { BackgroundService } from "@/server/lib/background";
import { registerEmailSender } from "./send";
import { startSmtpServer } from "./smtp-server";

const smtpServer: BackgroundService = {
  name: "SMTP server",
  // Inbound mail is the outside talking to us: web processes (ROLE=web or all).
  roles: ["web"],
  start: async (config) => {
    const smtp = await startSmtpServer({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      maxBytes: config.EMAIL_MAX_BYTES,
      tlsKeyPath: config.SMTP_TLS_KEY,
      tlsCertPath: config.SMTP_TLS_CERT,
    });
    console.log(`  SMTP on ${config.SMTP_HOST}:${smtp.port}${config.SMTP_TLS_KEY && config.SMTP_TLS_CERT ? " (STARTTLS)" : ""}, limit ${config.EMAIL_MAX_BYTES} bytes`);
    return { stop: smtp.stop };
  },
};

const emailSender: BackgroundService = {
  name: "email sender",
  start: async (config) => {
    const unregister = registerEmailSender(config.SMTP_RELAY_URL);
    if (!config.SMTP_RELAY_URL) console.log("  no SMTP_RELAY_URL: outbound email waits in the outbox");
    return { stop: async () => unregister() };
  },
};

export const emailServices: BackgroundService[] = [smtpServer, emailSender];
