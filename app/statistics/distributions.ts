// The few distribution functions the funnel limits need, written out so the client and the
// server share them without a statistics package: log-gamma, the regularised incomplete gamma
// function and its inverse (the gamma quantile; a chi-square quantile with k degrees of freedom
// is twice the gamma quantile with shape k / 2).

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let sum = LANCZOS[0]!
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i)
  const t = z + 7.5
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum)
}

const EPSILON = 1e-15
const TINY = 1e-300

/** P(a, x) = γ(a, x) / Γ(a): the probability that a gamma(shape a, scale 1) variable is at most x. */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0)) throw new RangeError(`gamma shape must be positive, got ${a}`)
  if (x <= 0) return 0
  const logPrefix = a * Math.log(x) - x - logGamma(a)
  if (x < a + 1) {
    // Series: γ(a,x) = e^-x x^a Σ x^n / (a (a+1) ... (a+n)).
    let term = 1 / a
    let sum = term
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * EPSILON) break
    }
    return Math.min(1, sum * Math.exp(logPrefix))
  }
  // Continued fraction for Q(a, x) = 1 - P(a, x) (modified Lentz).
  let b = x + 1 - a
  let c = 1 / TINY
  let d = 1 / b
  let h = d
  for (let n = 1; n < 10_000; n++) {
    const an = -n * (n - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < TINY) d = TINY
    c = b + an / c
    if (Math.abs(c) < TINY) c = TINY
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPSILON) break
  }
  return Math.max(0, 1 - Math.exp(logPrefix) * h)
}

/** The x with P(a, x) = p: the p-quantile of a gamma(shape a, scale 1) distribution. */
export function gammaQuantile(p: number, a: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be within 0 and 1, got ${p}`)
  if (p === 0) return 0
  if (p === 1) return Infinity
  // Bracket, then bisect: P is increasing in x, and 200 halvings reach the precision of a double.
  let low = 0
  let high = Math.max(1, a + 10 * Math.sqrt(a) + 10)
  while (regularizedGammaP(a, high) < p) {
    low = high
    high *= 2
  }
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2
    if (mid === low || mid === high) break
    if (regularizedGammaP(a, mid) < p) low = mid
    else high = mid
  }
  return (low + high) / 2
}

/** The p-quantile of a chi-square distribution with `df` degrees of freedom. */
export function chiSquareQuantile(p: number, df: number): number {
  return 2 * gammaQuantile(p, df / 2)
}
