// Placeholder: replaced by the foundation work (embedded PostgreSQL for integration tests).
export default async function setup() {}
