/** Password length limits, shared by the forms in the browser and the server's checks. */
export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 200
