package crs

import (
	"fmt"
	"strings"
)

// wktNode is one KEYWORD[arg, arg, CHILD[...]] element of a WKT string.
// Quoted strings and bare numbers or words are args; nested elements are
// children.
type wktNode struct {
	keyword  string
	args     []string
	children []*wktNode
}

// maxWKTDepth bounds the nesting accepted by parseWKT.
const maxWKTDepth = 64

// parseWKT parses the first WKT element of s. It accepts both '[' ']' and
// '(' ')' as brackets and tolerates a byte-order mark and surrounding space.
func parseWKT(s string) (*wktNode, error) {
	p := wktParser{s: strings.TrimPrefix(s, "\ufeff")}
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, fmt.Errorf("%w: empty WKT", ErrUnknownPRJ)
	}
	n, err := p.element(0)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnknownPRJ, err)
	}
	return n, nil
}

type wktParser struct {
	s   string
	pos int
}

func (p *wktParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *wktParser) word() string {
	start := p.pos
	for p.pos < len(p.s) && strings.IndexByte("[](),\" \t\r\n", p.s[p.pos]) < 0 {
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *wktParser) element(depth int) (*wktNode, error) {
	if depth > maxWKTDepth {
		return nil, fmt.Errorf("WKT nested deeper than %d", maxWKTDepth)
	}
	kw := p.word()
	if kw == "" {
		return nil, fmt.Errorf("expected a keyword at offset %d", p.pos)
	}
	n := &wktNode{keyword: kw}
	p.skipSpace()
	if p.pos >= len(p.s) || (p.s[p.pos] != '[' && p.s[p.pos] != '(') {
		return n, nil // bare word such as an axis direction
	}
	closer := byte(']')
	if p.s[p.pos] == '(' {
		closer = ')'
	}
	p.pos++
	for {
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, fmt.Errorf("unterminated %s", kw)
		}
		switch c := p.s[p.pos]; {
		case c == closer:
			p.pos++
			return n, nil
		case c == ',':
			p.pos++
		case c == '"':
			str, err := p.quoted()
			if err != nil {
				return nil, err
			}
			n.args = append(n.args, str)
		default:
			start := p.pos
			w := p.word()
			p.skipSpace()
			if p.pos < len(p.s) && (p.s[p.pos] == '[' || p.s[p.pos] == '(') {
				p.pos = start
				child, err := p.element(depth + 1)
				if err != nil {
					return nil, err
				}
				n.children = append(n.children, child)
				continue
			}
			if w == "" {
				return nil, fmt.Errorf("unexpected %q at offset %d", c, p.pos)
			}
			n.args = append(n.args, w)
		}
	}
}

// quoted reads a double-quoted string; "" inside it stands for one quote.
func (p *wktParser) quoted() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		if c != '"' {
			b.WriteByte(c)
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == '"' {
			b.WriteByte('"')
			p.pos++
			continue
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("unterminated string")
}
