// peers.mjs: the npm peer implementations behind one JSON-lines protocol, for
// the cie differential tests (cie/peers_test.go, build tag "peers").
//
// Each stdin line is a request {"id":N,"op":...}; each stdout line is the
// answer {"id":N,...}, in the same order. Ops:
//   mrz        {lines:[l1,l2,l3]}      -> {valid, fields, invalid:[field...]}           (mrz@5.0.2)
//   cf_check   {cf[,place,year,month,day]} -> {cfjs, marketto, decode:{year,month,day,gender,place}[, mkPlaceValid]}
//   cf_encode  {surname,name,year,month,day,sex,place}
//                                       -> {cfjs, marketto, mkSurname, mkName, mkPlaceValid}
//   cf_omocodes {cf}                    -> {cfjs:[...127 codes]}
//   mrz_autocorrect {lines:[l1,l2,l3]}  -> {valid, fields, corrected}             (mrz@5.0.2, autocorrect: true)
import { createInterface } from 'node:readline';
import { parse as parseMRZ } from 'mrz';
import cfjsModule from 'codice-fiscale-js';
import cfuModule from '@marketto/codice-fiscale-utils';
import bceModule from '@marketto/belfiore-connector-embedded';

const CF = cfjsModule.CodiceFiscale;
const { CodiceFiscaleUtils } = cfuModule;
const { belfioreConnector } = bceModule;
const cfu = new CodiceFiscaleUtils(belfioreConnector);

// placeValid reports whether the marketto Belfiore connector knows code as
// valid on the given date.
async function placeValid(code, year, month, day) {
  try {
    const p = await belfioreConnector.from(new Date(Date.UTC(year, month - 1, day))).findByCode(code);
    return !!p;
  } catch {
    return false;
  }
}

async function handle(req) {
  switch (req.op) {
    case 'mrz': {
      const r = parseMRZ(req.lines);
      return {
        valid: r.valid,
        fields: r.fields,
        invalid: r.details.filter((d) => !d.valid).map((d) => d.field),
      };
    }
    case 'cf_check': {
      let cfjs = false;
      try { cfjs = CF.check(req.cf); } catch { cfjs = false; }
      let marketto = false;
      try { marketto = await cfu.validator.codiceFiscale(req.cf).valid; } catch { marketto = false; }
      let decode = null;
      try {
        const d = await cfu.parser.cfDecode(req.cf);
        decode = { year: d.year, month: d.month + 1, day: d.day, gender: d.gender, place: d.place ? d.place.belfioreCode : null };
      } catch { decode = null; }
      const res = { cfjs, marketto, decode };
      if (req.place) res.mkPlaceValid = await placeValid(req.place, req.year, req.month, req.day);
      return res;
    }
    case 'cf_encode': {
      // codice-fiscale-js resolves places by name from its own table; use
      // its name and date helpers with our Belfiore code instead.
      let cfjs = null;
      try {
        const partial = CF.surnameCode(req.surname) + CF.nameCode(req.name) +
          CF.dateCode(req.day, req.month, req.year, req.sex) + req.place;
        cfjs = partial + CF.getCheckCode(partial);
      } catch (e) { cfjs = 'error: ' + e.message; }
      let marketto = null;
      try {
        marketto = await cfu.parser.encodeCf({
          lastName: req.surname, firstName: req.name,
          date: new Date(Date.UTC(req.year, req.month - 1, req.day)),
          gender: req.sex, place: req.place,
        });
      } catch (e) { marketto = 'error: ' + e.message; }
      let mkSurname = null, mkName = null;
      try { mkSurname = cfu.parser.lastNameToCf(req.surname); } catch { mkSurname = null; }
      try { mkName = cfu.parser.firstNameToCf(req.name); } catch { mkName = null; }
      const mkPlaceValid = await placeValid(req.place, req.year, req.month, req.day);
      return { cfjs, marketto, mkSurname, mkName, mkPlaceValid };
    }
    case 'mrz_autocorrect': {
      try {
        const r = parseMRZ(req.lines, { autocorrect: true });
        let corrected = 0;
        for (const d of r.details) corrected += (d.autocorrect || []).length;
        return { valid: r.valid, fields: r.fields, corrected };
      } catch (e) {
        return { valid: false, error: String(e && e.message || e) };
      }
    }
    case 'cf_omocodes': {
      return { cfjs: new CF(req.cf).omocodie() };
    }
    default:
      return { error: 'unknown op ' + req.op };
  }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  let res;
  try { res = await handle(req); } catch (e) { res = { error: String(e && e.message || e) }; }
  res.id = req.id;
  process.stdout.write(JSON.stringify(res) + '\n');
}
