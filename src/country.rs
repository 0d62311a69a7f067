//! Countries: names, aliases and ISO 3166-1 codes resolved to one country.
