import { createContext, useContext } from 'react'

// The CSP nonce of the current response, for the scripts Remix renders. Empty in the browser,
// where it is no longer needed.
export const NonceContext = createContext('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
