// Writes capacity.xlsx, the XLSX fixture, with another library than the one Kapacitet reads with (exceljs).
// Run once and commit the output:  npm install --no-save exceljs@4 && node make-xlsx.js
// Expected values are written by hand in ingest/formats_test.go.
const ExcelJS = require('exceljs');
const wb = new ExcelJS.Workbook();
const notes = wb.addWorksheet('Noter');
notes.addRow(['Skemaet udfyldes af kommunen']);
const ws = wb.addWorksheet('Pladser 2023');
ws.addRow(['Afdækning af udbud og efterspørgsel 2023']);   // row 1: title, merged over A1:H1
ws.mergeCells('A1:H1');
ws.addRow([]);                                              // row 2: empty
ws.addRow(['År', 'Beliggenhedskommune', 'Driftsform', 'Socialaftale', 'Pladstype', 'Målgruppe', 'Pladser', 'Belagte pladser']); // row 3
ws.addRow([2023, 'Aalborg', 'Kommunal', 'Nej', 'Døgn', 'Socialpsykiatri', 40, 38.5]);   // row 4: numbers as numbers
ws.addRow([null, 'Thisted', 'Privat', false, 'Dag', 'misbrug', '1.234', '']);           // row 5: year merged from A4:A5, places as text, boolean cell
ws.mergeCells('A4:A5');
ws.addRow([2023, 'Rebild', 'Kommunal', 'ja', 'døgn', 'Borgere med udviklingshæmning', { formula: 'G4/4', result: 10 }, { formula: 'G6-0.5', result: 9.5 }]); // row 6: formulas with cached values
ws.addRow(['I alt', '', '', '', '', '', { formula: 'SUM(G4:G6)', result: 1284 }, '']); // row 7: totals row
wb.xlsx.writeFile('capacity.xlsx').then(() => console.log('wrote capacity.xlsx'));

// numbers.xlsx: 1.125 stored as a number (three decimals: refused, never read as 1.125 thousand)
const wb2 = new ExcelJS.Workbook();
const s2 = wb2.addWorksheet('Ark1');
s2.addRow(['year', 'location', 'ownership', 'place_type', 'target_group', 'places', 'occupied']);
s2.addRow([2023, 851, 'kommunal', 'doegn', 'misbrug', 2, 1.125]);
wb2.xlsx.writeFile('numbers.xlsx').then(() => console.log('wrote numbers.xlsx'));
