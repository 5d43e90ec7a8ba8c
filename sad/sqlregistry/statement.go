package sqlregistry

import (
	"strconv"
	"strings"
)

// statement is an SQL text with named parameters (:name) split out, so
// that it can be rendered for either placeholder style.
type statement struct {
	parts   []string // len(params)+1 pieces of SQL between parameters
	params  []string // parameter names, in order of appearance (repeats kept)
	offsets []int    // 1-based byte offset of each parameter's ':'
}

type paramError struct {
	offset int
	msg    string
}

func (e *paramError) Error() string { return "position " + strconv.Itoa(e.offset) + ": " + e.msg }

// parseStatement finds the :name parameters of src. It skips string
// literals ('...', with ” inside), quoted identifiers ("..."), comments
// (-- to the end of the line, /* ... */) and PostgreSQL casts (::type).
// An unterminated literal, identifier or comment is an error.
func parseStatement(src string) (*statement, error) {
	st := &statement{}
	last := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\'', '"':
			j := i + 1
			for {
				k := strings.IndexByte(src[j:], c)
				if k < 0 {
					return nil, &paramError{i + 1, "unterminated quoted text"}
				}
				j += k + 1
				if j < len(src) && src[j] == c { // doubled quote inside
					j++
					continue
				}
				break
			}
			i = j - 1
		case '-':
			if i+1 < len(src) && src[i+1] == '-' {
				k := strings.IndexByte(src[i:], '\n')
				if k < 0 {
					i = len(src)
				} else {
					i += k
				}
			}
		case '/':
			if i+1 < len(src) && src[i+1] == '*' {
				k := strings.Index(src[i+2:], "*/")
				if k < 0 {
					return nil, &paramError{i + 1, "unterminated comment"}
				}
				i += k + 3
			}
		case ':':
			if i+1 < len(src) && src[i+1] == ':' { // a cast
				i++
				continue
			}
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || j > i+1 && src[j] >= '0' && src[j] <= '9') {
				j++
			}
			if j == i+1 {
				return nil, &paramError{i + 1, "':' not followed by a parameter name"}
			}
			st.parts = append(st.parts, src[last:i])
			st.params = append(st.params, src[i+1:j])
			st.offsets = append(st.offsets, i+1)
			last = j
			i = j - 1
		}
	}
	st.parts = append(st.parts, src[last:])
	return st, nil
}

// render returns the SQL for a placeholder style and the names of the
// arguments in order: with dollar, a name repeated reuses its number; with
// question, each occurrence is a separate argument.
func (st *statement) render(dollar bool) (string, []string) {
	var b strings.Builder
	var names []string
	num := map[string]int{}
	for i, p := range st.params {
		b.WriteString(st.parts[i])
		if !dollar {
			b.WriteByte('?')
			names = append(names, p)
			continue
		}
		n, ok := num[p]
		if !ok {
			names = append(names, p)
			n = len(names)
			num[p] = n
		}
		b.WriteString("$" + strconv.Itoa(n))
	}
	b.WriteString(st.parts[len(st.parts)-1])
	return b.String(), names
}
