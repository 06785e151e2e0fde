// E-mail through the mail server in SMTP_URL (nodemailer). Without it nothing is e-mailed: the
// server's log and /returns say so.
import nodemailer from 'nodemailer'

export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
}

export interface Mailer {
  /** Resolves once the mail server has accepted the message; rejects with its answer otherwise. */
  send(mail: OutgoingMail): Promise<void>
  close(): void
}

export function createMailer({ smtpUrl, from }: { smtpUrl: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // A mail server that does not answer must not hold a run for nodemailer's default minutes.
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  })
  return {
    async send(mail) {
      const info = await transport.sendMail({ from, ...mail })
      if (info.rejected.length > 0) throw new Error(`The mail server refused ${info.rejected.map(String).join(', ')}.`)
    },
    close: () => transport.close(),
  }
}
