// Help-center articles of the demo company, Acme Cloud (app hosting and
// managed PostgreSQL; plans Starter $29, Pro $99, Business $499 a month).

export type SeedArticle = { slug: string; title: string; category: string; body: string };

export const ARTICLES: SeedArticle[] = [
  {
    slug: "getting-started",
    title: "Getting started with Acme Cloud",
    category: "Getting started",
    body: `Acme Cloud runs your web apps and PostgreSQL databases without you having to look after servers. This guide takes you from a new account to a running app in about ten minutes.

## 1. Create a workspace

After you sign up you land in your first **workspace**. A workspace holds your apps, databases, teammates and billing. Most companies need only one; agencies often create one per client.

## 2. Connect your code

Open **Apps → New app** and pick *Deploy from GitHub* or *Deploy from a Docker image*. For GitHub, authorise the Acme Cloud app on the repositories you want to deploy — you can change this later under **Settings → Integrations**.

## 3. Add a database (optional)

Under **Databases → New database** choose a region close to your app. The connection string is injected into your app as \`DATABASE_URL\` automatically.

## What next?

- [Deploying your first app](/help/deploying-your-first-app)
- [Inviting teammates and managing roles](/help/inviting-teammates)
- Questions? Use the chat bubble at the bottom right — a real person answers, usually within minutes during business hours.`,
  },
  {
    slug: "deploying-your-first-app",
    title: "Deploying your first app",
    category: "Getting started",
    body: `Every push to your production branch builds a new image and rolls it out with zero downtime: the new version receives traffic only after its health check passes.

## Build settings

Acme Cloud detects Node.js, Python, Ruby, Go and PHP projects. If detection picks the wrong command, set it explicitly under **App → Settings → Build**:

\`\`\`
Build command:  npm ci && npm run build
Start command:  npm start
Health check:   /healthz
\`\`\`

## Environment variables

Add secrets under **App → Settings → Environment**. Changing a variable triggers a restart, not a rebuild.

## When a deploy fails

Open the deploy in **Activity** and read the build log from the bottom up — the first red line is usually the real cause. The most common ones are a missing \`start\` script, a port other than \`$PORT\`, and a health check path that returns a redirect instead of \`200\`.`,
  },
  {
    slug: "inviting-teammates",
    title: "Inviting teammates and managing roles",
    category: "Getting started",
    body: `Go to **Settings → Team → Invite** and enter one or more email addresses. Invitations are valid for 7 days.

## Roles

| Role | Can |
| --- | --- |
| Owner | everything, including billing and deleting the workspace |
| Admin | manage apps, databases and teammates |
| Developer | deploy and view logs |
| Viewer | read-only access |

Seats are included in your plan: Starter 3, Pro 10, Business unlimited. Extra seats on Pro are $8 per month each.

## Removing someone

Removing a teammate revokes their sessions and personal API tokens immediately. Deploy keys they created keep working until you rotate them under **Settings → Security**.`,
  },
  {
    slug: "how-billing-works",
    title: "How billing works: plans, proration and invoices",
    category: "Billing",
    body: `Acme Cloud has three plans: **Starter** ($29/month), **Pro** ($99/month) and **Business** ($499/month). Annual billing gives you two months free.

## Upgrades and downgrades

Upgrades take effect immediately and are **prorated**: you pay only the difference for the rest of the current billing period. Downgrades take effect at the end of the period, so you keep what you paid for.

## Invoices

Every payment produces an invoice (PDF) under **Settings → Billing → Invoices**, and a copy goes to the billing email address. Invoices are numbered \`INV-YYYY-NNNNNN\`.

## Failed payments

If a charge fails we retry after 1, 3 and 7 days and email the billing contact each time. Your apps keep running during this grace period.`,
  },
  {
    slug: "vat-id-on-invoices",
    title: "Adding a VAT ID or company address to invoices",
    category: "Billing",
    body: `Businesses in the EU, the UK and many other countries need their VAT or tax ID on invoices.

## Add your tax details

1. Open **Settings → Billing → Company details**.
2. Enter the legal company name, address and VAT ID (for example \`DE123456789\`).
3. Click **Validate** — we check EU VAT IDs against VIES.

With a valid EU VAT ID outside Ireland, invoices are issued with the **reverse charge** note and without VAT.

## Past invoices

Changes apply to future invoices. If you need a past invoice reissued with your new details, contact support with the invoice numbers and we will regenerate them.`,
  },
  {
    slug: "update-payment-method",
    title: "Updating your payment method",
    category: "Billing",
    body: `Only workspace owners can change the payment method.

1. Go to **Settings → Billing → Payment method**.
2. Click **Replace card** and enter the new card, or choose **Pay by invoice (SEPA / wire)** on Business.
3. Your next charge uses the new method; an open failed invoice is retried straight away.

## 3-D Secure

Some banks require 3-D Secure confirmation for recurring payments. If your bank app asks you to confirm a charge from *ACME CLOUD*, approve it — otherwise the payment fails and is retried later.`,
  },
  {
    slug: "connect-github",
    title: "Connecting GitHub for automatic deploys",
    category: "Integrations",
    body: `The GitHub integration deploys on every push and shows build status on pull requests.

## Set up

Go to **Settings → Integrations → GitHub → Connect** and install the *Acme Cloud* GitHub App on your organisation. Choose *All repositories* or pick them one by one.

## Preview environments

On Pro and Business, every pull request can get its own preview URL. Turn it on under **App → Settings → Previews**. Previews are deleted when the pull request is closed.

## Troubleshooting

If pushes stop triggering deploys, the GitHub App has usually lost access to the repository (for example after it was transferred to another organisation). Reconnect under **Settings → Integrations** and check the repository list.`,
  },
  {
    slug: "slack-notifications",
    title: "Slack notifications",
    category: "Integrations",
    body: `Send deploy results, failed health checks and billing alerts to a Slack channel.

1. **Settings → Integrations → Slack → Add to Slack**.
2. Pick the channel and the events you want.
3. Send a test message from the integration page.

## Notifications stopped arriving

Slack revokes the token when the person who installed the app leaves the Slack workspace or when the channel is archived. Remove the integration and add it again — your event selection is kept.`,
  },
  {
    slug: "verifying-webhook-signatures",
    title: "Verifying webhook signatures",
    category: "Integrations",
    body: `Every webhook request carries an \`Acme-Signature\` header: \`t=<timestamp>,v1=<hex HMAC-SHA256>\`. Compute the HMAC over \`<timestamp>.<raw body>\` with your endpoint secret and compare in constant time.

\`\`\`js
const expected = crypto
  .createHmac("sha256", process.env.ACME_WEBHOOK_SECRET)
  .update(\`\${timestamp}.\${rawBody}\`)
  .digest("hex");
\`\`\`

## The most common mistake

Frameworks often parse JSON before your code sees it. Re-serialising the parsed object changes whitespace and key order, so the signature no longer matches. Always hash the **raw** request body.

## Retries

We retry failed deliveries for 72 hours with exponential backoff. Respond with \`2xx\` within 10 seconds.`,
  },
  {
    slug: "lost-2fa-device",
    title: "I lost access to my two-factor authentication device",
    category: "Troubleshooting",
    body: `If you still have your **recovery codes**, sign in with one of them on the two-factor screen (*Use a recovery code*), then set up a new device under **Profile → Security**.

## No recovery codes?

Contact support from the email address of your account. For your security we will ask you to confirm:

- the name of your workspace,
- the last four digits of the card on file, or the amount of your last invoice.

A workspace owner can also reset two-factor authentication for a teammate under **Settings → Team**. Resets are recorded in the audit log.`,
  },
  {
    slug: "custom-domain-ssl-error",
    title: "Custom domain shows an SSL certificate error",
    category: "Troubleshooting",
    body: `We issue a free Let's Encrypt certificate as soon as your domain's DNS points to Acme Cloud. Until then, browsers show a certificate warning.

## Check your DNS

- Apex domain (\`example.com\`): an \`A\` record to \`76.76.21.21\`.
- Subdomain (\`www.example.com\`): a \`CNAME\` to \`edge.acme.cloud\`.

Remove any old \`AAAA\` records that point elsewhere — they are the most common cause of failed validation.

## CAA records

If your domain has CAA records, add \`0 issue "letsencrypt.org"\`. Certificates are usually issued within five minutes once DNS is correct.`,
  },
  {
    slug: "api-rate-limits",
    title: "Fixing 429 Too Many Requests from the API",
    category: "Troubleshooting",
    body: `The REST API allows 600 requests per minute per token on Pro and 3,000 on Business. The events API accepts batches of up to 1,000 events per request — batching is almost always the fix.

## Read the headers

Every response includes \`X-RateLimit-Remaining\` and, on a 429, \`Retry-After\` in seconds. Wait that long before retrying; retrying immediately only extends the block.

## Still limited?

Business customers can ask for a higher limit. Tell us your expected peak requests per second and which endpoints you call.`,
  },
  {
    slug: "cancel-or-pause-subscription",
    title: "Cancelling or pausing your subscription",
    category: "Billing",
    body: `Owners can cancel under **Settings → Billing → Cancel plan**. Your apps keep running until the end of the paid period; after that they are stopped and databases are kept for 30 days before deletion.

## Pausing instead

On Pro and Business you can pause for up to three months. Paused workspaces keep their data, stop all apps, and cost $5 per month.

## Exporting your data

Before you leave, download database backups under **Databases → Backups** — they are standard \`pg_dump\` files you can restore anywhere.`,
  },
];
