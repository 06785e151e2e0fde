// Any address no other route matches: a 404 rendered in the site's layout.
export async function loader() {
  throw new Response('If you typed the address, check it is correct.', { status: 404 })
}

export default function NotFound() {
  return null
}
