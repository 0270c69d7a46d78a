// Package data is Kapacitet's data model, defined once: the datasets people load (columns, types, Danish
// aliases, row rules, replacement keys), the reference catalogues and the demo data set, all embedded.
//
// Every other package imports data; data imports nothing of ours. Code outside data never names a target
// group, municipality or offer: such facts live here as data.
package data
