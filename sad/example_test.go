package sad_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ciekit/ciekit/sad"
	"github.com/ciekit/ciekit/sad/ftpsim"
)

func register() *sad.MemoryRegistry {
	return sad.NewMemoryRegistry([]sad.Subject{{
		CodiceFiscale: "RSSMRA80A41H501Y", Surname: "ROSSI", GivenNames: "MARIA", Sex: "F",
		BirthDate:      time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC),
		BirthComune:    &sad.Place{IstatCode: "058091", Description: "ROMA", Province: "RM"},
		ValidForTravel: sad.Bool(true),
	}})
}

func ExampleCodec_EncodeRequest() {
	req := &sad.Request{
		ID: "015146_POS01_20261123101500123", Op: sad.OpLookup,
		Time:   time.Date(2026, 11, 23, 10, 15, 0, 0, time.UTC),
		Comune: "015146", Workstation: "POS01",
		Query: &sad.Query{CodiceFiscale: "RSSMRA80A41H501Y"},
	}
	if err := (sad.Codec{}).EncodeRequest(os.Stdout, req); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <RichiestaSAD versione="2.8">
	//   <IdRichiesta>015146_POS01_20261123101500123</IdRichiesta>
	//   <TipoRichiesta>INTERROGAZIONE</TipoRichiesta>
	//   <DataOraRichiesta>2026-11-23T10:15:00</DataOraRichiesta>
	//   <CodiceIstatComune>015146</CodiceIstatComune>
	//   <IdPostazione>POS01</IdPostazione>
	//   <CriteriRicerca>
	//     <CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale>
	//   </CriteriRicerca>
	// </RichiestaSAD>
}

func ExampleCodec_DecodeResponse() {
	doc := `<RispostaSAD versione="2.8">
  <IdRichiesta>R1</IdRichiesta>
  <Esito><Codice>00</Codice></Esito>
  <Soggetto>
    <CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale>
    <Cognome>ROSSI</Cognome><Nome>MARIA</Nome><Sesso>F</Sesso>
    <DataNascita>01/01/1980</DataNascita>
    <ComuneNascita><CodiceIstat>058091</CodiceIstat></ComuneNascita>
    <ValiditaEspatrio>s</ValiditaEspatrio>
  </Soggetto>
</RispostaSAD>`
	resp, err := sad.Codec{}.DecodeResponse(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := resp.Subjects[0]
	fmt.Println(resp.Outcome.Code, s.Surname, s.BirthDate.Format(time.DateOnly), *s.ValidForTravel)
	// Output: ok ROSSI 1980-01-01 true
}

func ExamplePair_Parse() {
	for _, v := range []string{"VERO", "falso", "S"} {
		valid, err := sad.PairVEROFALSO.Parse(v)
		fmt.Println(v, valid, errors.Is(err, sad.ErrUnknownValue))
	}
	// Output:
	// VERO true false
	// falso false false
	// S false true
}

func ExampleSyntaxError() {
	doc := "<RichiestaSAD>\n  <IdRichiesta>R1</IdRichiesta>\n  <TipoRichiesta>EMISSIONE</TipoRichiesta>\n" +
		"  <DatiCarta>\n    <CodiceFiscale>RSSMRA80A41H501Y</CodiceFiscale>\n    <NumeroCarta>CA1234</NumeroCarta>\n  </DatiCarta>\n</RichiestaSAD>"
	_, err := sad.Codec{}.DecodeRequest(strings.NewReader(doc))
	if se, ok := errors.AsType[*sad.SyntaxError](err); ok {
		fmt.Println(se.Line, se.Path, errors.Is(err, sad.ErrInvalidValue))
	}
	// Output: 6 /RichiestaSAD/DatiCarta/NumeroCarta true
}

// A dialect other than the reconstruction: once the official SAD 2.8 layout
// is known, its names, dates, charset and constants go in a Dialect.
func ExampleDialect() {
	d := sad.DefaultDialect()
	d.Names.RequestRoot = "Richiesta"
	d.Names.Query = "Ricerca"
	d.DateLayout = "02/01/2006"
	d.Espatrio = sad.PairTF
	err := sad.Codec{Dialect: d}.EncodeRequest(os.Stdout, &sad.Request{
		ID: "R1", Op: sad.OpLookup,
		Query: &sad.Query{Surname: "ROSSI", GivenNames: "MARIA", BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <Richiesta versione="2.8">
	//   <IdRichiesta>R1</IdRichiesta>
	//   <TipoRichiesta>INTERROGAZIONE</TipoRichiesta>
	//   <Ricerca>
	//     <Cognome>ROSSI</Cognome>
	//     <Nome>MARIA</Nome>
	//     <DataNascita>01/01/1980</DataNascita>
	//   </Ricerca>
	// </Richiesta>
}

// The APR side over http and the workstation side talking to it.
func ExampleServer() {
	srv := httptest.NewServer(&sad.Server{Registry: register()})
	defer srv.Close()
	port, _ := strconv.Atoi(srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	c, err := sad.NewClient(sad.Config{Host: "127.0.0.1", Port: port, Path: "/sad", Comune: "015146", Workstation: "POS01"})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := c.Lookup(context.Background(), sad.Query{CodiceFiscale: "RSSMRA80A41H501Y"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outcome.Code, resp.Subjects[0].Surname, resp.Subjects[0].GivenNames)

	_, err = c.Lookup(context.Background(), sad.Query{CodiceFiscale: "VRDGPP70M10F205O"})
	fmt.Println(errors.Is(err, sad.ErrUnknownPerson))
	// Output:
	// ok ROSSI MARIA
	// true
}

// The APR side of the ftp transport: requests arrive in the upload
// directory, answers appear in the download directory.
func ExampleSpool() {
	dir, err := os.MkdirTemp("", "sad-spool")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	up, down, state := filepath.Join(dir, "upload"), filepath.Join(dir, "download"), filepath.Join(dir, "state")
	os.Mkdir(up, 0o755)
	os.Mkdir(down, 0o755)

	// What the workstation uploads (as R1.tmp, then renamed).
	var b bytes.Buffer
	sad.Codec{}.EncodeRequest(&b, &sad.Request{ID: "R1", Op: sad.OpLookup, Query: &sad.Query{CodiceFiscale: "RSSMRA80A41H501Y"}})
	os.WriteFile(filepath.Join(up, "R1.tmp"), b.Bytes(), 0o644)
	os.Rename(filepath.Join(up, "R1.tmp"), filepath.Join(up, "R1.xml"))

	s := &sad.Spool{Server: &sad.Server{Registry: register()}, UploadDir: up, DownloadDir: down, StateDir: state}
	n, err := s.ProcessPending(context.Background()) // Run(ctx) does this every PollInterval
	fmt.Println(n, err)
	f, err := os.Open(filepath.Join(down, "R1.xml"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	resp, err := sad.Codec{}.DecodeResponse(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.ID, resp.Outcome.Code, resp.Subjects[0].CodiceFiscale)
	// Output:
	// 1 <nil>
	// R1 ok RSSMRA80A41H501Y
}

// The ftp transport end to end without a daemon: the workstation's Client
// uploads into a tree served by ftpsim, and the APR's Spool answers there.
func ExampleClient_ftp() {
	dir, err := os.MkdirTemp("", "sad-ftp")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	root := filepath.Join(dir, "ftproot")
	os.MkdirAll(filepath.Join(root, "upload"), 0o755)
	os.MkdirAll(filepath.Join(root, "download"), 0o755)
	srv, err := ftpsim.NewServer(root)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	defer func() { cancel(); <-done }()
	spool := &sad.Spool{Server: &sad.Server{Registry: sad.NewMemoryRegistry(sad.SampleSubjects())},
		UploadDir: filepath.Join(root, "upload"), DownloadDir: filepath.Join(root, "download"),
		StateDir: filepath.Join(dir, "state"), PollInterval: 10 * time.Millisecond}
	go func() { done <- spool.Run(ctx) }()

	c, err := sad.NewClient(sad.Config{Transport: sad.FTP, Host: "127.0.0.1", Port: srv.Port(),
		UploadDir: "/upload", DownloadDir: "/download", PollInterval: 10 * time.Millisecond,
		Comune: "015146", Workstation: "POS01"})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := c.Lookup(ctx, sad.Query{CodiceFiscale: "BNCLCU15T10Z110Y"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := resp.Subjects[0]
	fmt.Println(s.Surname, s.GivenNames, "father:", s.Parents.Father.GivenNames, "mother:", s.Parents.Mother.GivenNames)
	// Output: BIANCHI LUCA father: PAOLO mother: MARIA
}
