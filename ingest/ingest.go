package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Options steer one ingest.
type Options struct {
	DryRun   bool   // validate only
	LoadedBy string // who loads (user or token name)
	Demo     bool   // the file is part of the illustrative demo data
	Sheet    string // XLSX: the sheet to read (default: the one whose header names the dataset's columns)
	Progress func(staged, total int)
	Limits   *data.Limits // nil: data.DefaultLimits()
	NoFast   bool         // validate row by row even where DuckDB could read the file itself (tests, benchmarks)
}

// Result says what an ingest did.
type Result struct {
	Dataset string
	File    string
	SHA256  string
	Rows    int
	Ignored []string // columns of the file that the dataset does not have
	Batch   queries.BatchResult
	DryRun  bool
	Fast    bool // DuckDB read and checked the file itself (the fast path)
}

// MaxFileSize bounds one file (100 MiB).
const MaxFileSize = 100 << 20

// TooLarge is the report on a file larger than MaxFileSize.
func TooLarge(name string) *InvalidError {
	return &InvalidError{File: name, Problems: []Problem{{DA: fmt.Sprintf("filen er større end %d MiB", MaxFileSize>>20),
		EN: fmt.Sprintf("the file is larger than %d MiB", MaxFileSize>>20)}}}
}

// File validates content as dataset and, unless DryRun, loads it as one batch and keeps the original file
// next to the database. Any invalid row loads nothing: the error is an *InvalidError listing every problem.
func File(ctx context.Context, st *queries.Store, d *data.Dataset, name string, content []byte, opt Options) (Result, error) {
	if len(content) > MaxFileSize {
		return Result{}, TooLarge(name)
	}
	shaDone := make(chan string, 1)
	go func() { // while the file is read
		sum := sha256.Sum256(content)
		shaDone <- hex.EncodeToString(sum[:])
	}()
	res := Result{Dataset: d.Name, File: name, DryRun: opt.DryRun}
	t, bad := readTable(ctx, st, d, name, content, opt.Sheet)
	lim := data.DefaultLimits()
	if opt.Limits != nil {
		lim = *opt.Limits
	}
	// The fast path: a plain CSV file DuckDB reads and validates by itself. It declines anything that is not
	// plainly valid, and the row-by-row path below then reports exactly what is wrong.
	fast, cleanup := (*queries.FastCSV)(nil), func() {}
	if bad == nil && !opt.NoFast {
		fast, cleanup = fastCSV(st, d, name, content, t, lim)
	}
	defer cleanup()
	res.SHA256 = <-shaDone
	if bad != nil {
		if bad.Unit == "" && t != nil {
			bad.Unit = t.unit
		}
		return res, &InvalidError{File: name, Problems: []Problem{*bad}}
	}
	load := func(nb queries.NewBatch) (queries.BatchResult, error) {
		if opt.DryRun { // load and roll back: the report says what would be added and replaced
			return st.LoadBatch(ctx, nb)
		}
		// the original is on disk before the transaction commits, and removed again if it aborts (unless an
		// earlier batch already kept the same file); it is written while DuckDB loads
		done := make(chan kept, 1)
		go func() {
			path, err := keepOriginal(st.FilesDir(), res.SHA256, name, content)
			done <- kept{path, err}
		}()
		wait := sync.OnceValue(func() kept { return <-done })
		nb.BeforeCommit = func() error { return wait().err }
		b, err := st.LoadBatch(ctx, nb)
		if k := wait(); k.err != nil {
			return queries.BatchResult{}, k.err
		} else if err != nil && k.path != "" {
			os.Remove(k.path)
		}
		return b, err
	}
	// the name as DuckDB can store it: a name that is no UTF-8 (from a file system or an upload) with U+FFFD
	meta := queries.NewBatch{Dataset: d, FileName: strings.ToValidUTF8(filepath.Base(name), "\uFFFD"), SHA256: res.SHA256, LoadedBy: opt.LoadedBy,
		Demo: opt.Demo, DryRun: opt.DryRun, Progress: opt.Progress}
	if fast != nil {
		nb := meta
		nb.Fast = fast
		b, err := load(nb)
		if !errors.Is(err, queries.ErrNotFast) {
			_, res.Ignored, _ = mapHeader(d, t.header, t.headerPos)
			res.Batch, res.Rows, res.Fast = b, b.Rows, true
			return res, err
		}
	}
	stage := newStager(stageDir(st))
	defer stage.remove()
	v := newValidator(ctx, st, d, t, valueOpts{limits: lim, style: t.style}, stage)
	res.Ignored = v.ignored
	if len(v.problems) == 0 { // the header names every required column
		if p := t.each(v.check); p != nil {
			v.add(*p)
		}
	}
	if problems := v.result(); len(problems) > 0 {
		for i := range problems {
			if problems[i].Unit == "" {
				problems[i].Unit = t.unit
			}
			problems[i].Sheet = t.sheet
		}
		return res, &InvalidError{File: name, Problems: problems}
	}
	if v.count == 0 {
		return res, &InvalidError{File: name, Problems: []Problem{{DA: "filen har ingen rækker", EN: "the file has no rows"}}}
	}
	files, err := stage.close()
	if err != nil {
		return res, fmt.Errorf("ingest: staging: %w", err)
	}
	res.Rows = v.count
	nb := meta
	nb.Staged, nb.Count, nb.Years, nb.Keys = files, v.count, v.sortedYears(), v.keyList()
	res.Batch, err = load(nb)
	return res, err
}

// kept is where keepOriginal wrote a file, or its error.
type kept struct {
	path string
	err  error
}

// fastCSV decides whether a file can take the fast path and writes the copy DuckDB reads: each line with its
// number in front (see queries.FastCSV). The file must be a UTF-8 CSV (no BOM, no transcoding) with the
// header on line 1 that names every required column. The cleanup removes the copy.
func fastCSV(st *queries.Store, d *data.Dataset, name string, content []byte, t *table, lim data.Limits) (*queries.FastCSV, func()) {
	if !queries.FastEligible(d) || DetectFormat(name, content) != FormatCSV || t.headerPos != 1 ||
		bytes.HasPrefix(content, utf8BOM) {
		return nil, func() {}
	}
	idx, _, problems := mapHeader(d, t.header, t.headerPos)
	delim := t.sep
	if len(problems) > 0 {
		return nil, func() {}
	}
	paths, lines, parts, err := writeNumberedParts(stageDir(st), content, delim, runtime.GOMAXPROCS(0),
		newLineCheck(d, idx, len(t.header), delim, content))
	cleanup := func() {
		for _, p := range paths {
			os.Remove(p)
		}
	}
	// what the parts found (valid UTF-8, plain white space, spaces at the ends of fields, upper case, plain
	// numbers and the lines' hashes)
	f := &queries.FastCSV{Paths: paths, Delim: delim, Columns: len(t.header), Index: idx, Limits: lim, Lines: lines - 1,
		Typed: len(parts) > 0}
	ok := err == nil
	var hashes [][]uint64
	for _, p := range parts {
		ok = ok && p.utf8 && p.whiteSpace
		f.Trim = f.Trim || p.spaced
		f.Lower = f.Lower || p.upper
		f.Typed = f.Typed && p.plain
		hashes = append(hashes, p.hashes)
	}
	if !ok {
		cleanup()
		return nil, func() {}
	}
	f.Unique = f.Typed && !duplicateHash(hashes)
	return f, cleanup
}

// minPart is the smallest part writeNumberedParts cuts (a variable for the tests).
var minPart = 1 << 20

// writeNumberedParts writes content as up to n files in dir, in parallel: each line with its number and sep
// in front of it, the header (line 1) at the top of every file (numbered 0 after the first). It returns
// the files, the number of lines and what each part found (partResult; the lines' check only unless check
// is nil).
func writeNumberedParts(dir string, content []byte, sep rune, n int, check *lineCheck) ([]string, int, []partResult, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, 0, nil, err
	}
	header := content
	if i := bytes.IndexByte(content, '\n'); i >= 0 {
		header = content[:i+1]
	}
	// cut at line ends into parts of about equal size
	var parts [][]byte
	for rest := content; len(rest) > 0; {
		size := max(len(content)/n, minPart)
		if size >= len(rest) {
			parts = append(parts, rest)
			break
		}
		cut := bytes.IndexByte(rest[size:], '\n')
		if cut < 0 {
			parts = append(parts, rest)
			break
		}
		parts = append(parts, rest[:size+cut+1])
		rest = rest[size+cut+1:]
	}
	paths := make([]string, len(parts))
	errs := make([]error, len(parts))
	lines := make([]int, len(parts))
	found := make([]partResult, len(parts))
	var wg sync.WaitGroup
	first := 1
	for i, part := range parts {
		wg.Add(1)
		go func(i, first int, part []byte) {
			defer wg.Done()
			r := &found[i]
			body := part
			if i == 0 {
				body = part[len(header):]
			}
			// parts end at line ends, so no UTF-8 sequence, CRLF or white space rune is cut in two
			r.utf8, r.whiteSpace, r.spaced, r.upper = utf8.Valid(part), plainWhiteSpace(part, sep), spacedFields(part, sep), hasUpper(body)
			if check != nil {
				r.plain, r.hashes = true, make([]uint64, 0, len(part)/24)
			}
			f, err := os.CreateTemp(dir, "fast-*.csv")
			if err != nil {
				errs[i] = err
				return
			}
			paths[i] = f.Name()
			if i > 0 {
				_, err = writeNumbered(f, header, sep, 0, nil, nil)
			}
			if err == nil {
				lines[i], err = writeNumbered(f, part, sep, first, check, r)
			}
			if r.plain {
				radixSort(r.hashes) // for duplicateHash, in parallel
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			errs[i] = err
		}(i, first, part)
		first += bytes.Count(part, []byte("\n"))
	}
	wg.Wait()
	total := 0
	for i := range parts {
		total += lines[i]
	}
	return slices.DeleteFunc(paths, func(p string) bool { return p == "" }), total, found, errors.Join(errs...)
}

// writeNumbered writes content to w with each line's number and sep in front of it, and returns the number
// of lines. Unless check is nil, it checks each line but line 1 (the header) into r.
func writeNumbered(w io.Writer, content []byte, sep rune, first int, check *lineCheck, r *partResult) (int, error) {
	const chunk = 1 << 20
	out := make([]byte, 0, chunk+64)
	var key []byte
	n := 0
	for len(content) > 0 {
		n++
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line = content[:i+1]
		}
		content = content[len(line):]
		if check != nil && first+n-1 > 1 {
			key = check.line(bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), r, key)
		}
		out = strconv.AppendInt(out, int64(first+n-1), 10)
		out = utf8.AppendRune(out, sep)
		out = append(out, line...)
		if len(out) >= chunk || len(content) == 0 {
			if _, err := w.Write(out); err != nil {
				return n, err
			}
			out = out[:0]
		}
	}
	return n, nil
}

// spacedFields reports whether a field may have spaces at its ends: a space next to a separator, a quote
// or a line end, or at the start or end of the file.
func spacedFields(content []byte, sep rune) bool {
	for i := bytes.IndexByte(content, ' '); i >= 0; {
		if i == 0 || i == len(content)-1 {
			return true
		}
		before, _ := utf8.DecodeLastRune(content[:i])
		after, _ := utf8.DecodeRune(content[i+1:])
		for _, r := range []rune{before, after} {
			if r == sep || r == '\n' || r == '\r' || r == '"' {
				return true
			}
		}
		next := bytes.IndexByte(content[i+1:], ' ')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// hasUpper reports an ASCII upper-case letter in b, valid UTF-8 (eight bytes at a time; in valid UTF-8 no
// carry reaches an ASCII byte). It only decides whether the fast path compares codes in lower case: a wrong
// answer would cost speed (the file is declined), never a wrong value.
func hasUpper(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		// a byte below 0x80 is in 'A'..'Z' when adding 0x80-'A' sets its high bit and adding 0x80-'Z'-1 does not
		if (w+ones*(0x80-'A'))&^(w+ones*(0x80-'Z'-1))&^w&highs != 0 {
			return true
		}
		b = b[8:]
	}
	for _, c := range b {
		if c-'A' < 26 {
			return true
		}
	}
	return false
}

// plainWhiteSpace reports a file whose only white space is spaces, the separator and line ends (CRLF or LF):
// then DuckDB's trim of spaces trims fields as strings.TrimSpace does.
func plainWhiteSpace(content []byte, sep rune) bool {
	for _, b := range queries.FastUntrimmed { // (Index, not ContainsAny: much faster)
		if bytes.Contains(content, []byte(b)) {
			return false
		}
	}
	if sep != '\t' && bytes.IndexByte(content, '\t') >= 0 {
		return false
	}
	if sep == '\t' && bytes.IndexByte(content, '"') >= 0 { // a quoted tab at the end of a field
		return false
	}
	cr := bytes.Count(content, []byte("\r"))
	return cr == 0 || cr == bytes.Count(content, []byte("\r\n"))
}

// keepOriginal stores the file content-addressed in <db>.files/ so that nothing loaded is ever lost. It
// returns the path it wrote, or "" when the file was kept already.
func keepOriginal(dir, sha, name string, content []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil { // files may hold comments that identify citizens
		return "", fmt.Errorf("ingest: keep original: %w", err)
	}
	path := filepath.Join(dir, sha+strings.ToLower(filepath.Ext(name)))
	if _, err := os.Stat(path); err == nil {
		return "", nil
	}
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", fmt.Errorf("ingest: keep original: %w", err)
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync() // on disk before the batch that refers to it commits
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("ingest: keep original: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("ingest: keep original: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // the rename itself on disk too
		d.Sync()
		d.Close()
	}
	return path, nil
}

// mapHeader finds each column of d in header (by canonical name or alias, forgivingly). It returns the
// index of each column (-1 when absent), the header cells it does not know, and problems for missing
// required or repeated columns.
func mapHeader(d *data.Dataset, header []string, headerLine int) (idx []int, ignored []string, problems []Problem) {
	idx = make([]int, len(d.Columns))
	for i := range idx {
		idx[i] = -1
	}
	for h, cell := range header {
		key := data.Normalize(cell)
		found := false
		for i, c := range d.Columns {
			for _, name := range append([]string{c.Name}, c.Aliases...) {
				if data.Normalize(name) != key {
					continue
				}
				found = true
				if idx[i] >= 0 {
					problems = append(problems, Problem{Line: headerLine, Column: cell, DA: fmt.Sprintf("kolonnen %s findes to gange", c.Name), EN: fmt.Sprintf("column %s appears twice", c.Name)})
				}
				idx[i] = h
				break
			}
		}
		if !found && strings.TrimSpace(cell) != "" {
			ignored = append(ignored, cell)
		}
	}
	for i, c := range d.Columns {
		if idx[i] < 0 && c.Required {
			names := append([]string{c.Name}, c.Aliases...)
			problems = append(problems, Problem{Line: headerLine, Column: c.Name,
				DA: "kolonnen mangler (" + c.DA + "); accepterede navne: " + strings.Join(names, ", "),
				EN: "column missing (" + c.EN + "); accepted names: " + strings.Join(names, ", ")})
		}
	}
	return idx, ignored, problems
}
