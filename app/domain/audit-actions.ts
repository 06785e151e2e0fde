/** Plain-English names of the actions the audit trail records. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  signin: 'Signed in',
  'signin.failed': 'Failed sign-in',
  'signin.throttled': 'Sign-in refused (too many attempts)',
  signout: 'Signed out',
  'account.created': 'Account created',
  'account.changed': 'Account changed',
  'account.disabled': 'Account disabled',
  'account.password_reset': 'Password reset',
  'account.password_changed': 'Own password changed',
  'catalogue.service_created': 'Service added',
  'catalogue.service_changed': 'Service changed',
  'catalogue.treatment_added': 'Treatment added',
  'catalogue.treatment_retired': 'Treatment retired',
  'coverage.changed': 'Coverage changed',
  'annotation.created': 'Event added to the trends',
  'annotation.changed': 'Event on the trends changed',
  'annotation.deleted': 'Event removed from the trends',
  'population.vintage_loaded': 'Population estimates loaded',
  'costs.changed': 'Costs recorded or changed',
  'return.figures_changed': 'Figures changed',
  'return.submitted': 'Return submitted',
  'return.approved': 'Month approved',
  'return.reopened': 'Month reopened',
  'return.upload_committed': 'Upload committed',
  'return.api_submission': 'Returns sent through the API',
  'query.raised': 'Query raised',
  'query.answered': 'Query answered',
  'query.closed': 'Query closed',
  'query.reopened': 'Query reopened',
  'token.created': 'API token created',
  'token.revoked': 'API token revoked',
  export: 'Figures exported',
}

export function auditActionLabel(action: string) {
  return AUDIT_ACTION_LABELS[action] ?? action
}
