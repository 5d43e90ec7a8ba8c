package sadcheck

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/ciekit/ciekit/internal/secret"
	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/internal/ftp"
)

func revealPassword(p sad.Password) string { return string(secret.Reveal(p.Value)) }

// reply is what an endpoint answered to one raw document: an HTTP status
// (200 for ftp) and the body or response file.
type reply struct {
	status int
	body   []byte
}

// exchanger sends one raw request document under an IdRichiesta.
type exchanger interface {
	exchange(ctx context.Context, id string, doc []byte) (reply, error)
}

type httpEx struct {
	url    string
	client *http.Client
	ctype  string
}

func (h *httpEx) exchange(ctx context.Context, _ string, doc []byte) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(doc))
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Content-Type", h.ctype)
	res, err := h.client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	if err != nil {
		return reply{}, err
	}
	return reply{res.StatusCode, body}, nil
}

type ftpEx struct {
	addr, user       string
	pass             sad.Password
	upload, download string
	poll             time.Duration
	reveal           func(sad.Password) string
}

// exchange uploads ID.tmp, renames it ID.xml, polls for the answer and
// deletes it, as the workstation does (sad-2.8.md §3.3.4).
func (f *ftpEx) exchange(ctx context.Context, id string, doc []byte) (reply, error) {
	conn, err := ftp.Dial(ctx, f.addr, f.user, f.reveal(f.pass))
	if err != nil {
		return reply{}, fmt.Errorf("connecting to the ftp server: %w", err)
	}
	defer conn.Close()
	tmp := path.Join(f.upload, id+".tmp")
	if err := conn.Store(ctx, tmp, doc); err != nil {
		return reply{}, fmt.Errorf("uploading: %w", err)
	}
	if err := conn.Rename(ctx, tmp, path.Join(f.upload, id+".xml")); err != nil {
		return reply{}, fmt.Errorf("renaming the upload: %w", err)
	}
	down := path.Join(f.download, id+".xml")
	t := time.NewTicker(f.poll)
	defer t.Stop()
	for {
		if _, err := conn.Size(ctx, down); err == nil {
			break
		} else if !ftp.NotFound(err) {
			return reply{}, fmt.Errorf("polling for the answer: %w", err)
		}
		select {
		case <-ctx.Done():
			return reply{}, ctx.Err()
		case <-t.C:
		}
	}
	b, err := conn.Retrieve(ctx, down, 4<<20)
	if err != nil {
		return reply{}, fmt.Errorf("downloading the answer: %w", err)
	}
	conn.Delete(ctx, down)
	return reply{http.StatusOK, b}, nil
}

func newExchanger(cfg sad.Config) (exchanger, error) {
	port := cfg.Port
	switch cfg.Transport {
	case sad.HTTP:
		scheme := "http"
		if cfg.HTTPS {
			scheme = "https"
		}
		if port == 0 {
			port = 80
			if cfg.HTTPS {
				port = 443
			}
		}
		p := cfg.Path
		if p == "" || p[0] != '/' {
			p = "/" + p
		}
		c := cfg.HTTPClient
		if c == nil {
			c = &http.Client{}
		}
		cs := "UTF-8"
		if cfg.Codec.Dialect != nil {
			cs = cfg.Codec.Dialect.Charset.String()
		}
		return &httpEx{url: scheme + "://" + net.JoinHostPort(cfg.Host, strconv.Itoa(port)) + p, client: c, ctype: "text/xml; charset=" + cs}, nil
	case sad.FTP:
		if port == 0 {
			port = 21
		}
		poll := cfg.PollInterval
		if poll <= 0 {
			poll = 200 * time.Millisecond
		}
		return &ftpEx{addr: net.JoinHostPort(cfg.Host, strconv.Itoa(port)), user: cfg.User, pass: cfg.Password,
			upload: cfg.UploadDir, download: cfg.DownloadDir, poll: poll, reveal: revealPassword}, nil
	}
	return nil, fmt.Errorf("%w: transport %v", sad.ErrConfig, cfg.Transport)
}
