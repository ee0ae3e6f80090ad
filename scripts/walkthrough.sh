#!/usr/bin/env bash
# One whole evaluation cycle through the HTTP API with curl and the demo accounts — the README's
# walk-through as a script. Needs a running server with demo data (`npm start`), curl and node.
#   BASE=http://localhost:3000 bash scripts/walkthrough.sh
set -euo pipefail
BASE=${BASE:-http://localhost:3000}
J=$(mktemp -d)
trap 'rm -rf "$J"' EXIT

# json EXPR: evaluate a JavaScript expression over the JSON on stdin (`d`), print the result.
json() { node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));const v=($1);process.stdout.write(typeof v==='string'?v:JSON.stringify(v))"; }

# login NAME EMAIL: session cookie in $J/NAME, CSRF token in $J/NAME.csrf
login() {
  curl -sS --fail-with-body -c "$J/$1" -H 'content-type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"mercusuar-demo\"}" "$BASE/api/auth/login" | json 'd.csrfToken' >"$J/$1.csrf"
}

# call NAME METHOD PATH [JSON]: an API call as NAME; mutations carry the X-CSRF-Token header.
call() {
  local args=(-sS --fail-with-body -b "$J/$1" -X "$2" -H "x-csrf-token: $(cat "$J/$1.csrf")")
  [ $# -ge 4 ] && args+=(-H 'content-type: application/json' -d "$4")
  curl "${args[@]}" "$BASE/api$3"
}

step() { printf '\n== %s\n' "$1"; }

login koordinator koordinator@mercusuar.test
login asesor asesor@mercusuar.test
login operator operator.diskominfo@mercusuar.test
login kepala kepala.diskominfo@mercusuar.test

step "1. coordinator creates a cycle on IDPD v1 for Diskominfo and opens it"
IDPD=$(call koordinator GET /instruments | json 'd.items.find(i=>i.code==="idpd").versions.find(v=>v.version==="1").id')
ASESOR_ID=$(call asesor GET /auth/session | json 'd.user.id')
PHASES=$(node -e 'const n=Date.now(),D=864e5,i=t=>new Date(t).toISOString();console.log(JSON.stringify([
  {phase:"mandiri",startsAt:i(n-D),endsAt:i(n+10*D)},{phase:"dokumen",startsAt:i(n+10*D),endsAt:i(n+20*D)},
  {phase:"interviu",startsAt:i(n+20*D),endsAt:i(n+25*D)},{phase:"finalisasi",startsAt:i(n+25*D),endsAt:i(n+30*D)}]))')
CYCLE=$(call koordinator POST /cycles "{\"name\":\"Walk-through $(date +%s)\",\"periodStart\":\"2026-01-01\",\"periodEnd\":\"2026-12-31\",
  \"instrumentVersionId\":\"$IDPD\",\"scopeUnitCode\":\"61-DISKOMINFO\",\"phases\":$PHASES,\"targetIndex\":\"2.60\",
  \"assessors\":[{\"unitCode\":\"61-DISKOMINFO\",\"userIds\":[\"$ASESOR_ID\"]}]}" | json 'd.id')
call koordinator POST "/cycles/$CYCLE/open" '{}' | json '"opened: "+d.created+" assessment(s)"'; echo
A=$(call operator GET "/cycles/$CYCLE/assessments" | json 'd.items[0].id')
echo "cycle $CYCLE, assessment $A"

step "2. operator registers evidence and answers every applicable indicator at level 3"
EV=$(call operator POST /evidence '{"kind":"link","unitCode":"61-DISKOMINFO","title":"Renstra TIK Diskominfo","url":"https://contoh.kalbarprov.go.id/renstra-tik.pdf"}' | json 'd.id')
call operator GET "/assessments/$A/instrument" | json 'JSON.stringify(d.content)' >"$J/tree.json"
CODES=$(call operator GET "/assessments/$A" | json 'd.applicableIndicators.join(" ")')
for code in $CODES; do
  body=$(node -e '
    const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")),code=process.argv[2],ev=process.argv[3];
    const find=ns=>{for(const n of ns){if(n.code===code)return n;if(n.children){const f=find(n.children);if(f)return f}}};
    const n=find(t.nodes),a=n.kind==="metric"?{metricValue:String(n.thresholds[1])}:{level:3};
    console.log(JSON.stringify({...a,justification:"Sesuai dokumen terlampir.",evidenceIds:[ev]}))' "$J/tree.json" "$code" "$EV")
  call operator PUT "/assessments/$A/responses/$code" "$body" >/dev/null
done
call operator GET "/assessments/$A" | json '"progress: "+d.progress.answered+"/"+d.progress.applicable'; echo

step "3. operator submits"
call operator POST "/assessments/$A/submit" '{}' | json '"state: "+d.state'; echo

step "4. assessor verifies: one level lowered, one indicator returned"
# lower the first maturity indicator (metric ones are verified by value); return another one
LOW=$(node -e '
  const t=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")),codes=process.argv.slice(2),kinds={};
  const walk=ns=>ns.forEach(n=>n.children?walk(n.children):(kinds[n.code]=n.kind));walk(t.nodes);
  console.log(codes.find(c=>kinds[c]==="maturity"))' "$J/tree.json" $CODES)
RET=$(for c in $CODES; do [ "$c" != "$LOW" ] && echo "$c" && break; done)
for code in $CODES; do
  if [ "$code" = "$LOW" ]; then body="{\"level\":2,\"reasonCode\":\"bukti_tidak_memadai\",\"note\":\"Bukti belum lengkap.\",\"stage\":\"dokumen\"}"
  else body="{\"reasonCode\":\"sesuai\",\"stage\":\"dokumen\"}"; fi
  call asesor PUT "/assessments/$A/verifications/$code" "$body" >/dev/null
done
call asesor POST "/assessments/$A/return" "{\"indicators\":[\"$RET\"],\"message\":\"Mohon lengkapi justifikasi $RET.\"}" | json '"state: "+d.state'; echo

step "5. operator fixes the returned indicator and resubmits"
body=$(call operator GET "/assessments/$A" | json "(r=>JSON.stringify({level:r.level,metricValue:r.metricValue??undefined,justification:'Justifikasi dilengkapi dengan SK dan laporan.',evidenceIds:[\"$EV\"],expectedVersion:r.version}))(d.responses.find(r=>r.indicatorCode==='$RET'))")
body=$(echo "$body" | node -e 'const b=JSON.parse(require("fs").readFileSync(0,"utf8"));if(b.metricValue)delete b.level;console.log(JSON.stringify(b))')
call operator PUT "/assessments/$A/responses/$RET" "$body" >/dev/null
call operator POST "/assessments/$A/submit" '{}' | json '"state: "+d.state'; echo

step "6. assessor re-verifies the fixed indicator and completes verification"
V=$(call asesor GET "/assessments/$A" | json "d.verifications.find(v=>v.indicatorCode==='$RET').version")
call asesor PUT "/assessments/$A/verifications/$RET" "{\"reasonCode\":\"sesuai\",\"stage\":\"dokumen\",\"expectedVersion\":$V}" >/dev/null
call asesor POST "/assessments/$A/complete-verification" '{}' | json '"state: "+d.state'; echo

step "7. coordinator finalises and publishes"
call koordinator POST "/assessments/$A/finalize" '{}' | json '"state: "+d.state+", index "+d.snapshot?.indexValue'; echo
call koordinator POST "/cycles/$CYCLE/publish" '{}' | json '"cycle: "+d.status'; echo

step "8. results, laggards and the public page"
call koordinator GET "/cycles/$CYCLE/results" | json 'd.units.map(u=>u.unit.code+" self "+u.selfIndex+" verified "+u.verifiedIndex+" "+u.predicate+" rank "+u.rank).join("\n")'; echo
call koordinator GET "/cycles/$CYCLE/laggards" | json '"laggards: "+d.items.length'; echo
curl -sS --fail-with-body "$BASE/api/public/cycles/$CYCLE/results" | json 'd.units.map(u=>"public: "+u.code+" "+u.index+" "+u.predicate).join("\n")'; echo
