// What the demo customers write to support about, and how agents answer.
// Placeholders: {first} customer's first name, {agentFirst}, {plan}, {price},
// {invoice}, {app}, {domain}, {last4}, {company}, {otherPlan}, {otherPrice}.
// Texts are channel-neutral; email greetings and signatures are added by demo.ts.

export type TopicTeam = "support" | "billing";

export type Topic = {
  key: string;
  team: TopicTeam;
  tags: string[];
  subject: string;
  /** Before sign-up (pre-sales questions) rather than from a customer. */
  presales?: boolean;
  /** Needs a paid plan to make sense. */
  paid?: boolean;
  /** Help-center article the customer may have read first. */
  article?: string;
  priority: readonly (readonly ["low" | "normal" | "high" | "urgent", number])[];
  open: string[];
  reply: string[];
  follow: string[];
  fix: string[];
  thanks: string[];
  notes: string[];
};

const NORMAL = [["low", 2], ["normal", 7], ["high", 1]] as const;
const HIGHISH = [["normal", 5], ["high", 4], ["urgent", 1]] as const;
const URGENT = [["high", 5], ["urgent", 4], ["normal", 1]] as const;

export const TOPICS: Topic[] = [
  {
    key: "double-charge",
    team: "billing",
    tags: ["billing", "refund"],
    subject: "Charged twice this month",
    paid: true,
    article: "how-billing-works",
    priority: HIGHISH,
    open: [
      "I was charged twice for the {plan} plan this month — two payments of ${price} on my card ending {last4}. Can you refund one of them?",
      "My bank statement shows two charges from ACME CLOUD for ${price} on the same day. We only have one workspace. What happened?",
    ],
    reply: [
      "Sorry about that, {first}! I can see two charges on your account. Could you confirm which workspace you were looking at when you upgraded? It looks like a second checkout was started from another browser tab.",
      "Thanks for flagging this. I'm checking with our payment provider now — can you tell me whether you clicked the upgrade button twice, or whether one of the charges is marked pending on your statement?",
    ],
    follow: [
      "Yes, I think the page hung and I clicked again. Both charges are completed though, not pending.",
      "Only one workspace, {company}. Both are final charges, not pending.",
    ],
    fix: [
      "I've refunded the duplicate ${price} payment. Depending on your bank it takes 5–10 business days to show up. I've also added a guard on your account so a second checkout can't start while one is running.",
      "All sorted: the second charge is refunded in full (${price}) and the duplicate invoice {invoice} is voided. You'll get a confirmation email from our payment provider shortly.",
    ],
    thanks: ["Perfect, thank you for the quick help!", "Great, appreciate it.", "Thanks — that was painless."],
    notes: [
      "Stripe shows two succeeded PaymentIntents 40 s apart, same card. Refunded the second one.",
      "Second duplicate-charge report this week — both came from the upgrade modal timing out. Reported to billing engineering.",
    ],
  },
  {
    key: "vat-invoice",
    team: "billing",
    tags: ["billing", "invoice"],
    subject: "VAT ID missing on our invoices",
    paid: true,
    article: "vat-id-on-invoices",
    priority: NORMAL,
    open: [
      "Our accountant needs our VAT ID on the invoices. The last three invoices were issued without it. Can you reissue them?",
      "Hi, we need invoice {invoice} with our company name {company} and VAT ID instead of my personal name. Is that possible?",
    ],
    reply: [
      "Of course! Could you send me the exact legal company name, address and VAT ID you'd like on the invoices?",
      "Happy to help. Please add your tax details under Settings → Billing → Company details first, then tell me which invoice numbers you need reissued.",
    ],
    follow: [
      "{company}, VAT ID is in the billing settings now. We need the invoices from the last three months.",
      "Done, the details are saved. It's {invoice} and the two before it.",
    ],
    fix: [
      "I've regenerated the three invoices with your VAT ID and the reverse-charge note. You can download them under Settings → Billing → Invoices, and I've emailed copies to your billing contact.",
      "The invoices are reissued with {company}'s details and VAT ID. Future invoices will include them automatically.",
    ],
    thanks: ["Thanks, our accountant is happy now.", "Great, got them. Thank you!"],
    notes: ["VIES validation passed for the VAT ID. Reissued the invoices, reverse charge applies."],
  },
  {
    key: "upgrade-proration",
    team: "billing",
    tags: ["billing", "upgrade"],
    subject: "Upgrading from {plan} to {otherPlan}",
    paid: true,
    article: "how-billing-works",
    priority: NORMAL,
    open: [
      "We're outgrowing {plan}. If we upgrade to {otherPlan} today, do we pay the full ${otherPrice} right away or is it prorated?",
      "How does billing work if I move from {plan} to {otherPlan} in the middle of the month?",
    ],
    reply: [
      "Upgrades are prorated: you only pay the difference for the rest of the current billing period, and the full {otherPlan} price from your next renewal. Do you want me to show you the exact amount?",
    ],
    follow: ["Yes please, and will our apps restart during the upgrade?", "Sounds good. Is there any downtime when we switch?"],
    fix: [
      "There's no downtime — plan changes only change limits, nothing restarts. For your account the prorated amount today would be about a third of the difference. You can upgrade any time under Settings → Billing.",
    ],
    thanks: ["Upgraded, thanks for explaining!", "Makes sense, thank you."],
    notes: ["Customer asked about annual billing too — sent to the account manager as an expansion lead."],
  },
  {
    key: "card-declined",
    team: "billing",
    tags: ["billing", "payment-failed"],
    subject: "Payment failed but my card is fine",
    paid: true,
    article: "update-payment-method",
    priority: HIGHISH,
    open: [
      "I got an email saying the payment for {plan} failed, but the card ending {last4} works everywhere else. Will my apps be shut down?",
      "Why was my card declined? I have enough balance and nothing changed.",
    ],
    reply: [
      "Your apps keep running — there's a grace period and we retry automatically. The decline code from your bank was 'authentication required', which usually means the bank wanted a 3-D Secure confirmation in its app. Did you get a notification from your bank?",
    ],
    follow: ["Oh, I did see something in my banking app and ignored it. Can you retry now?", "Yes, there was a request I didn't approve. What do I do now?"],
    fix: [
      "I've triggered a new attempt — please approve it in your banking app within the next 10 minutes. I can see it went through now, your invoice {invoice} is paid.",
      "Retried just now and the payment succeeded. Nothing else to do on your side.",
    ],
    thanks: ["Went through, thanks!", "Great, thanks for the explanation."],
    notes: ["Decline code authentication_required (3DS). Manual retry succeeded."],
  },
  {
    key: "lost-2fa",
    team: "support",
    tags: ["login", "2fa"],
    subject: "Locked out — lost my phone with the 2FA app",
    article: "lost-2fa-device",
    priority: URGENT,
    open: [
      "I got a new phone and my authenticator app didn't transfer. I can't log in to Acme Cloud anymore and I'm the only owner of the workspace. Please help!",
      "Lost my phone with the two-factor codes and can't find the recovery codes. We have a deploy to ship today.",
    ],
    reply: [
      "I'm sorry, that's stressful! I can reset two-factor authentication for you after a quick identity check: please tell me the name of your workspace and the last four digits of the card on file.",
    ],
    follow: ["Workspace is {company}, card ends in {last4}.", "It's the {company} workspace, and the card ends with {last4}."],
    fix: [
      "Thanks, that matches. I've reset two-factor authentication on your account — you can log in with your password now and you'll be asked to set up a new device. Please save the new recovery codes somewhere safe this time!",
    ],
    thanks: ["I'm back in. You saved my day!", "Logged in, thank you so much.", "Works, thanks a lot."],
    notes: ["Identity verified (workspace name + card last 4). 2FA reset, logged in audit log."],
  },
  {
    key: "sso-saml",
    team: "support",
    tags: ["login", "sso"],
    subject: "SAML SSO with Okta fails: invalid audience",
    paid: true,
    priority: HIGHISH,
    open: [
      "We're setting up SAML SSO with Okta and every login attempt ends with 'Invalid audience'. The entity ID is copied from your settings page.",
      "SSO login through Azure AD fails with an 'invalid audience' error after the redirect back to Acme Cloud.",
    ],
    reply: [
      "Thanks, that error almost always means the Audience URI in your identity provider doesn't match exactly. What exactly did you enter as the Audience URI (SP entity ID) in your identity provider?",
    ],
    follow: ["The audience is set to https://app.acme.cloud/saml/acs — the same as the ACS URL.", "We used the ACS URL as the audience, is that wrong?"],
    fix: [
      "Found it: the Audience URI must be the entity ID (https://app.acme.cloud/saml/metadata), not the ACS URL. Change that one field in your IdP and try again.",
    ],
    thanks: ["That was it, SSO works now. Thanks!", "Perfect, everyone can log in with SSO now."],
    notes: ["Common misconfiguration — suggest we show a hint next to the entity ID field."],
  },
  {
    key: "reset-email",
    team: "support",
    tags: ["login"],
    subject: "Password reset email never arrives",
    priority: NORMAL,
    open: [
      "I requested a password reset three times and no email arrived, not even in spam.",
      "The 'forgot password' email isn't coming through. Is there a problem with your emails today?",
    ],
    reply: [
      "Let me check our mail logs. Your company mail server rejected our last message — it looks like a spam filter quarantines mail from our sending domain. Could you ask your IT team to allow mail from acme.cloud?",
    ],
    follow: ["IT says they've allow-listed you now.", "Our admin whitelisted the domain, can you send it again?"],
    fix: ["I've sent a fresh reset link — it should arrive within a minute. The link is valid for one hour."],
    thanks: ["Got it and I'm in. Thanks!", "Arrived this time, thank you."],
    notes: ["Mail logs: 550 rejected by the customer's gateway (Mimecast). Asked them to allow-list."],
  },
  {
    key: "github-deploys",
    team: "support",
    tags: ["integrations", "github"],
    subject: "Pushes to main no longer trigger deploys",
    article: "connect-github",
    priority: HIGHISH,
    open: [
      "Since yesterday, pushes to main don't trigger deploys of {app} anymore. Nothing changed on our side, as far as I know.",
      "Automatic deploys from GitHub stopped working for {app}. Manual deploys still work.",
    ],
    reply: [
      "Thanks for reporting! I can see the GitHub App on your organisation lost access to the repository yesterday. Did someone move the repository to another organisation or change the app's repository list?",
    ],
    follow: ["Ah yes, we transferred the repo to our new GitHub org.", "Our GitHub admin changed the app to 'selected repositories' yesterday."],
    fix: [
      "That explains it. Reconnect under Settings → Integrations → GitHub and add the repository again — the next push will deploy. I've also triggered a deploy of the latest commit for you.",
    ],
    thanks: ["Deploys are working again, thank you!", "Reconnected, all good."],
    notes: ["GitHub installation lost repository access (repo transferred)."],
  },
  {
    key: "slack-stopped",
    team: "support",
    tags: ["integrations", "slack"],
    subject: "Slack notifications stopped",
    article: "slack-notifications",
    priority: NORMAL,
    open: [
      "We stopped getting deploy notifications in our #deploys Slack channel about a week ago.",
      "Slack alerts for failed health checks are not arriving anymore. Test message from the integration page fails too.",
    ],
    reply: ["The Slack token was revoked on 12 May — this happens when the person who installed the app leaves the Slack workspace. Did someone leave recently?"],
    follow: ["Yes, our former CTO installed it. Makes sense.", "Oh, the colleague who set it up left the company last week."],
    fix: ["If you remove the Slack integration and add it again, your event selection is kept and notifications resume immediately."],
    thanks: ["Done, the test message arrived. Thanks!", "Working again, cheers."],
    notes: [],
  },
  {
    key: "webhook-signature",
    team: "support",
    tags: ["integrations", "api", "webhooks"],
    subject: "Webhook signature verification always fails",
    article: "verifying-webhook-signatures",
    priority: NORMAL,
    open: [
      "Our webhook endpoint rejects every delivery because the signature doesn't match. We use Express and the secret is correct, I checked twice.",
      "Signature mismatch on all webhooks since we moved our endpoint to a new service. Same secret.",
    ],
    reply: [
      "That sounds like the body is parsed before you compute the HMAC. Are you hashing JSON.stringify(req.body) rather than the raw request body?",
    ],
    follow: ["We are using JSON.stringify(req.body) — is that the problem?", "Yes, express.json() runs first."],
    fix: [
      "Exactly — re-serialising changes whitespace and key order. Use express.raw({ type: 'application/json' }) on the webhook route and hash the raw buffer. Our guide 'Verifying webhook signatures' has a full example.",
    ],
    thanks: ["That fixed it, signatures match now.", "Works! Thanks for the quick pointer."],
    notes: [],
  },
  {
    key: "api-429",
    team: "support",
    tags: ["api", "rate-limit"],
    subject: "Getting 429 Too Many Requests on the events API",
    paid: true,
    article: "api-rate-limits",
    priority: HIGHISH,
    open: [
      "Our backfill job gets 429s from the events API after a few seconds. We send about 50 requests per second.",
      "We're hitting 429 Too Many Requests constantly since this morning's product launch.",
    ],
    reply: ["Are you sending one event per request? The events API takes batches of up to 1,000 events per call, which usually brings you far below the limit."],
    follow: ["One per request, yes. We'll batch them.", "We send them one by one. Can you raise the limit meanwhile?"],
    fix: [
      "I've temporarily raised your limit for 48 hours so the backfill can finish. With batching you'll need only a handful of requests per second. Remember to honour Retry-After on a 429.",
    ],
    thanks: ["Backfill done, thank you!", "Batching solved it. Thanks."],
    notes: ["Raised rate limit to 3,000/min until Friday."],
  },
  {
    key: "dashboard-bug",
    team: "support",
    tags: ["bug"],
    subject: "Metrics dashboard stuck on 'Loading…'",
    priority: URGENT,
    open: [
      "The metrics dashboard for {app} has been stuck on 'Loading…' since this morning. Our app itself seems fine.",
      "CPU and memory charts are empty for all our apps. Is something down?",
    ],
    reply: [
      "Thanks for the report — we're seeing this for a small number of workspaces in the EU region and the team is on it. Your apps are not affected, only the charts.",
    ],
    follow: ["OK, any ETA? We're in the middle of load testing.", "Thanks. Please let me know when it's fixed."],
    fix: ["The fix is deployed and charts are back, including the data from this morning. Sorry for the trouble!"],
    thanks: ["Charts are back, thanks for the update.", "Confirmed, all good now."],
    notes: ["Linked to incident INC-2291 (metrics ingestion lag in eu-central).", "Escalated to on-call SRE."],
  },
  {
    key: "csv-export-bug",
    team: "support",
    tags: ["bug", "export"],
    subject: "CSV export breaks umlauts and accents",
    priority: NORMAL,
    open: [
      "When I export the usage report as CSV, names like 'Müller' and 'José' come out as 'MÃ¼ller' and 'JosÃ©' in Excel.",
      "The billing CSV export has broken special characters when opened in Excel.",
    ],
    reply: ["Thanks for the details! Could you tell me which Excel version you use and whether the file looks correct in a text editor?"],
    follow: ["Excel 365 on Windows. In Notepad it looks fine.", "Looks right in Google Sheets, broken in Excel for Mac."],
    fix: [
      "It's our bug: the export lacks a UTF-8 byte order mark, which Excel needs to detect the encoding. A fix ships this week; until then, use Data → From Text/CSV and choose UTF-8.",
    ],
    thanks: ["Workaround works, thanks.", "Good to know, thank you!"],
    notes: ["Filed BUG-4417: add UTF-8 BOM to CSV exports."],
  },
  {
    key: "custom-domain-ssl",
    team: "support",
    tags: ["domains", "ssl"],
    subject: "SSL error on custom domain {domain}",
    article: "custom-domain-ssl-error",
    priority: HIGHISH,
    open: [
      "I added {domain} to {app} two hours ago and browsers still show a certificate warning.",
      "Our custom domain {domain} shows 'Your connection is not private'. DNS should be correct.",
    ],
    reply: ["I checked your DNS: the CNAME is correct, but there's still an old AAAA record pointing to your previous host, so certificate validation fails. Can you remove it?"],
    follow: ["Removed the AAAA record just now.", "Deleted it. How long until it works?"],
    fix: ["Validation passed and the certificate is issued — {domain} is serving over HTTPS now."],
    thanks: ["Green padlock, thanks!", "Works now, thank you."],
    notes: [],
  },
  {
    key: "feature-dark-mode",
    team: "support",
    tags: ["feature-request"],
    subject: "Feature request: dark mode for the dashboard",
    priority: [["low", 7], ["normal", 3]],
    open: [
      "Any plans for a dark mode? Our on-call people stare at the dashboard at 3 am.",
      "Would love a dark theme for the console. Is that on the roadmap?",
    ],
    reply: ["Thanks for the suggestion! Dark mode is one of our most requested features — I've added your vote. Which parts of the console do you use most at night?"],
    follow: ["Mostly logs and the metrics charts.", "Logs, definitely the logs."],
    fix: ["Noted, I've passed that on to the product team. I'll let you know when dark mode lands — it's planned for next quarter."],
    thanks: ["Great, looking forward to it!", "Thanks!"],
    notes: ["+1 for dark mode (logs view)."],
  },
  {
    key: "feature-terraform",
    team: "support",
    tags: ["feature-request", "api"],
    subject: "Terraform provider?",
    priority: [["low", 6], ["normal", 4]],
    open: [
      "We manage everything else with Terraform. Is there an official Acme Cloud provider, or plans for one?",
      "Do you have a Terraform or Pulumi provider for apps and databases?",
    ],
    reply: ["Not yet an official one, but it's on the roadmap. Meanwhile, everything in the console is available in our REST API. Which resources would you want to manage first?"],
    follow: ["Apps, env vars and custom domains.", "Databases and their backups mostly."],
    fix: ["I've added your use case to the request. There's also a community provider that covers apps and env vars — not officially supported, but many customers use it."],
    thanks: ["Good to know, thanks.", "Thanks, we'll try the community one."],
    notes: [],
  },
  {
    key: "presales-sso",
    team: "support",
    tags: ["presales"],
    subject: "Does the Pro plan include SSO?",
    presales: true,
    priority: NORMAL,
    open: [
      "Hi! We're about 40 people and evaluating Acme Cloud. Does the Pro plan include SSO, or only Business?",
      "Before we sign up: which plan do we need for SAML SSO and audit logs?",
    ],
    reply: ["Hi {first}! SAML SSO and the audit log are part of Business ($499/month). Pro ($99/month) includes Google and GitHub login and 10 seats. Would a trial of Business help you evaluate?"],
    follow: ["Yes, a Business trial would be great.", "Can we start on Pro and upgrade later?"],
    fix: ["Absolutely — upgrades are prorated and take effect immediately. I've enabled a 14-day Business trial on your email, just sign up and it will be there."],
    thanks: ["Perfect, signing up now!", "Thanks, very helpful."],
    notes: ["Good lead — 40 seats, needs SSO. Flagged to sales."],
  },
  {
    key: "presales-regions",
    team: "support",
    tags: ["presales"],
    subject: "Data residency: can we host in the EU?",
    presales: true,
    priority: NORMAL,
    open: [
      "We need our data to stay in the EU for GDPR reasons. Which regions do you offer for apps and databases?",
      "Do you have a region in Asia? Our users are mostly in Japan and Singapore.",
    ],
    reply: ["We have regions in Frankfurt, Amsterdam, Virginia, Oregon, Tokyo and Singapore. Apps and databases stay in the region you pick, and backups too. Do you need a DPA as well?"],
    follow: ["Yes, please send the DPA.", "Great, Tokyo works for us."],
    fix: ["You can sign the DPA in the console under Settings → Legal after signing up. Let me know if your legal team needs a countersigned PDF."],
    thanks: ["Thank you, that answers it.", "Great, thanks!"],
    notes: [],
  },
  {
    key: "cancel",
    team: "billing",
    tags: ["billing", "cancellation"],
    subject: "Cancel our subscription",
    paid: true,
    article: "cancel-or-pause-subscription",
    priority: NORMAL,
    open: [
      "We've decided to move our apps in-house. How do we cancel, and what happens to our databases?",
      "Please cancel our {plan} subscription at the end of this month.",
    ],
    reply: ["Sorry to see you go! Apps keep running until the end of the paid period, and databases are kept for 30 days afterwards. Would pausing for a few months help instead? It's $5/month and keeps everything."],
    follow: ["No, we'd like to cancel.", "Pausing might actually work for us. How do we do that?"],
    fix: ["Done — your subscription ends at the end of the current period. You'll get a reminder a week before databases are deleted, with a link to download backups."],
    thanks: ["Thanks for making it easy.", "Thank you."],
    notes: ["Churn reason: moving in-house (cost)."],
  },
  {
    key: "gdpr-export",
    team: "support",
    tags: ["privacy", "gdpr"],
    subject: "Data access request (GDPR Art. 15)",
    priority: NORMAL,
    open: ["Under GDPR Article 15 I'd like a copy of all personal data you hold about me.", "Please send me an export of all data you store about my account."],
    reply: ["Of course. To protect your data we send the export only to the account's email address. Can you confirm this is the address on your account?"],
    follow: ["Yes, this is my account address.", "Confirmed, same address."],
    fix: ["Your export is ready — you'll find a download link in your inbox, valid for 7 days."],
    thanks: ["Received, thank you.", "Got it, thanks."],
    notes: ["Identity confirmed; export generated via admin tools."],
  },
];

export const EXTRA_QUESTIONS = [
  "One more thing — can I add a second billing contact?",
  "While I have you: is there a way to get deploy notifications by email?",
  "Also, where can I find our usage for last month?",
  "Quick follow-up: do you support IPv6 on custom domains?",
  "Unrelated, but can I rename a workspace?",
];

export const EXTRA_ANSWERS = [
  "Yes! Under Settings → Billing you can add up to three billing contacts.",
  "You can — Settings → Notifications lets you pick email, Slack or both for each event.",
  "Settings → Billing → Usage shows the last 12 months, and you can export it as CSV.",
  "Yes, every custom domain is served over IPv4 and IPv6.",
  "Sure, owners can rename it under Settings → General.",
];

export const AGENT_CLOSES = [
  "Glad we could sort it out! I'll close this conversation — just reply here if anything else comes up.",
  "Happy to help, {first}. Have a great day!",
  "You're welcome! Don't hesitate to reach out again.",
];

export const CSAT_COMMENTS: Record<number, string[]> = {
  5: ["Quick and friendly", "Solved in minutes, thank you!", "Super helpful, knew exactly what to do", "Best support I've had from a SaaS company"],
  4: ["Good, but took a while to get the first reply", "Helpful, thanks", "Solved, though I had to wait until the next morning"],
  3: ["OK in the end", "Fine, but I had to explain the problem twice"],
  2: ["Took far too long", "Had to explain everything again to a second person"],
  1: ["Still not really fixed", "Very slow and no real answer"],
};

export const NPS_COMMENTS: Record<string, string[]> = {
  promoter: ["Deploys just work, love it", "Great product and great support", "The GitHub integration saves us hours every week"],
  passive: ["Good, but pricey once you add seats", "Solid, dashboard could be faster"],
  detractor: ["Too expensive for what we use", "Had two outages this quarter", "Missing a Terraform provider"],
};

export const CES_COMMENTS: Record<string, string[]> = {
  easy: ["Found the answer right away", "The article had exactly what I needed"],
  ok: ["Took a couple of articles to find it"],
  hard: ["Couldn't find it in the help center"],
};
