#!/bin/bash
# tests/fuzz/seed-corpus.sh - (re)writes the seed corpus of every fuzz
# target into tests/fuzz/corpus/<target>/, one tricky case per file, named
# after what it holds.  The files are kept in git; run this after adding a
# case here.  Inputs found by fuzzing are not written back to the tree
# (tests/fuzz/run.sh fuzzes a copy).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
C=$HERE/corpus

# put TARGET NAME PRINTF-FORMAT [ARGS...]: one seed, bytes as printf makes
# them.  Write a NUL as \x00 (at most two hex digits follow it), never \0
# before a digit: printf would read \0NNN as octal.
put() {
    local target=$1 name=$2; shift 2
    mkdir -p "$C/$target"
    # shellcheck disable=SC2059
    printf "$@" > "$C/$target/$name"
}

# repeat STRING N
repeat() {
    local s=$1 n=$2 out=
    out=$(printf "%${n}s" '')
    printf '%s' "${out// /$s}"
}

# hexbyte N: the printf escape of byte N
hexbyte() {
    printf '\\x%02x' "$1"
}

rm -rf "$C"

# ---- fuzz_request: rules byte, then the body ------------------------------
# rules: bit 0 commune, bits 1-2 limit (00 3660, 01 none, 10 one day, 11 max),
# bit 3 the portal list (Huyen_Id optional, no dates)
R=fuzz_request
D='\x00'; K='\x01'; DN='\x02'; KN='\x03'; D1='\x04'; L='\x08'
put $R list-every "$L"'{}'
put $R list-null "$L"'{"Huyen_Id":null}'
put $R list-one "$L"'{"Huyen_Id":401}'
put $R list-string "$L"'{"Huyen_Id":"0401"}'
put $R list-bad-dates-ignored "$L"'{"TuNgay":"2022-13-45","DenNgay":7}'
put $R list-negative "$L"'{"Huyen_Id":-1,"TuNgay":"x"}'
put $R district-valid "$D"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R commune-valid-int "$K"'{"Huyen_Id":407,"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R commune-valid-string "$K"'{"Huyen_Id":"407","TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R commune-leading-zeros "$K"'{"Huyen_Id":"0000000000000000000000407","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-zero "$K"'{"Huyen_Id":0,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-18-digits "$K"'{"Huyen_Id":"999999999999999999","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-19-digits "$K"'{"Huyen_Id":"9999999999999999999","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-int64-max "$K"'{"Huyen_Id":9223372036854775807,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-int64-over "$K"'{"Huyen_Id":9223372036854775808,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-int64-min "$K"'{"Huyen_Id":-9223372036854775808,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-negative "$K"'{"Huyen_Id":-1,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-negative-string "$K"'{"Huyen_Id":"-401","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-minus-zero "$K"'{"Huyen_Id":-0,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-real "$K"'{"Huyen_Id":401.0,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-exponent "$K"'{"Huyen_Id":4e2,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-huge-exponent "$K"'{"Huyen_Id":1e999999,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-huge-number "$K"'{"Huyen_Id":123456789012345678901234567890123456789,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-bool "$K"'{"Huyen_Id":true,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-null "$K"'{"Huyen_Id":null,"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-array "$K"'{"Huyen_Id":[401],"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-empty-string "$K"'{"Huyen_Id":"","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-plus-string "$K"'{"Huyen_Id":"+401","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-space-string "$K"'{"Huyen_Id":" 401","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-fullwidth-digits "$K"'{"Huyen_Id":"\xef\xbc\x94\xef\xbc\x90\xef\xbc\x91","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-nul-in-id "$K"'{"Huyen_Id":"40\\u00001","TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R commune-missing-id "$K"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-01"}'
put $R duplicate-key "$D"'{"TuNgay":"2022-05-01","TuNgay":"2022-05-02","DenNgay":"2022-05-31"}'
put $R duplicate-key-escaped "$D"'{"TuNgay":"2022-05-01","TuNg\\u0061y":"2022-05-02","DenNgay":"2022-05-31"}'
put $R key-with-nul "$D"'{"TuNgay\\u0000":"2022-05-01","TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R key-case "$D"'{"tungay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R extra-keys "$D"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-31","x":{"y":[1,2,{"z":null}]}}'
put $R deep-arrays "$D"'%s' "$(repeat '[' 5000)"
put $R deep-objects "$D"'%s' "$(repeat '{"a":' 3000)"
put $R deep-inside-field "$D"'{"TuNgay":%s' "$(repeat '[' 3000)"
put $R deep-closed "$D"'{"x":%s1%s,"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' "$(repeat '[' 2000)" "$(repeat ']' 2000)"
put $R nul-byte-raw "$D"'{"TuNgay":"2022-05-01",\0"DenNgay":"2022-05-31"}'
put $R nul-in-date "$D"'{"TuNgay":"2022-05-01\\u0000","DenNgay":"2022-05-31"}'
put $R nul-only "$D"'\0'
put $R invalid-utf8-value "$D"'{"TuNgay":"2022-05-0\xff","DenNgay":"2022-05-31"}'
put $R invalid-utf8-key "$D"'{"Tu\xc0\xafNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R surrogate-raw "$D"'{"TuNgay":"\xed\xa0\x80","DenNgay":"2022-05-31"}'
put $R surrogate-escape "$D"'{"TuNgay":"\\ud800","DenNgay":"2022-05-31"}'
put $R surrogate-pair "$D"'{"TuNgay":"\\ud83d\\ude00","DenNgay":"2022-05-31"}'
put $R truncated-utf8 "$D"'{"TuNgay":"\xe1\xba'
put $R bom "$D"'\xef\xbb\xbf{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R empty "$D"''
put $R whitespace "$D"' \t\r\n '
put $R json-null "$D"'null'
put $R json-number "$D"'1'
put $R json-string "$D"'"2022-05-01"'
put $R json-array "$D"'[{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}]'
put $R trailing-garbage "$D"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}xyz'
put $R two-objects "$D"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}{}'
put $R comment "$D"'/*x*/{"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}'
put $R single-quotes "$D""{'TuNgay':'2022-05-01','DenNgay':'2022-05-31'}"
put $R unterminated "$D"'{"TuNgay":"2022-05-01","DenNgay":"2022-05-3'
put $R date-number "$D"'{"TuNgay":20220501,"DenNgay":"2022-05-31"}'
put $R date-object "$D"'{"TuNgay":{"y":2022},"DenNgay":"2022-05-31"}'
put $R date-null "$D"'{"TuNgay":null,"DenNgay":"2022-05-31"}'
put $R date-with-time "$D"'{"TuNgay":"2022-05-01T00:00:00","DenNgay":"2022-05-31"}'
put $R date-slashes "$D"'{"TuNgay":"2022/05/01","DenNgay":"2022-05-31"}'
put $R date-short "$D"'{"TuNgay":"2022-5-1","DenNgay":"2022-05-31"}'
put $R date-leading-space "$D"'{"TuNgay":" 2022-05-01","DenNgay":"2022-05-31"}'
put $R date-fullwidth "$D"'{"TuNgay":"\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x92-05-01","DenNgay":"2022-05-31"}'
put $R date-escaped-digits "$D"'{"TuNgay":"\\u0032022-05-01","DenNgay":"2022-05-31"}'
put $R leap-2024 "$D"'{"TuNgay":"2024-02-29","DenNgay":"2024-02-29"}'
put $R leap-2000 "$D"'{"TuNgay":"2000-02-29","DenNgay":"2000-03-01"}'
put $R not-leap-1900 "$D"'{"TuNgay":"1900-02-29","DenNgay":"1900-03-01"}'
put $R not-leap-2023 "$D"'{"TuNgay":"2023-02-29","DenNgay":"2023-03-01"}'
put $R month-13 "$D"'{"TuNgay":"2022-13-01","DenNgay":"2022-13-01"}'
put $R month-00 "$D"'{"TuNgay":"2022-00-10","DenNgay":"2022-01-10"}'
put $R day-00 "$D"'{"TuNgay":"2022-01-00","DenNgay":"2022-01-10"}'
put $R april-31 "$D"'{"TuNgay":"2022-04-31","DenNgay":"2022-05-10"}'
put $R year-1000-first "$D"'{"TuNgay":"1000-01-01","DenNgay":"1000-01-01"}'
put $R year-0999-last "$D"'{"TuNgay":"0999-12-31","DenNgay":"1000-01-01"}'
put $R year-0000 "$D"'{"TuNgay":"0000-01-01","DenNgay":"1000-01-01"}'
put $R last-day "$D"'{"TuNgay":"9999-12-30","DenNgay":"9999-12-30"}'
put $R past-last-day "$D"'{"TuNgay":"9999-12-30","DenNgay":"9999-12-31"}'
put $R reversed "$D"'{"TuNgay":"2022-05-31","DenNgay":"2022-05-01"}'
put $R one-day "$D1"'{"TuNgay":"2022-05-31","DenNgay":"2022-05-31"}'
put $R two-days-limit-one "$D1"'{"TuNgay":"2022-05-30","DenNgay":"2022-05-31"}'
put $R range-3660 "$D"'{"TuNgay":"2012-01-01","DenNgay":"2022-01-08"}'
put $R range-3661 "$D"'{"TuNgay":"2012-01-01","DenNgay":"2022-01-09"}'
put $R whole-calendar-no-limit "$DN"'{"TuNgay":"1000-01-01","DenNgay":"9999-12-30"}'
put $R whole-calendar-commune "$KN"'{"Huyen_Id":"1","TuNgay":"1000-01-01","DenNgay":"9999-12-30"}'
put $R whole-calendar-limited '\x06{"TuNgay":"1000-01-01","DenNgay":"9999-12-30"}'
put $R long-string "$D"'{"TuNgay":"%s","DenNgay":"2022-05-31"}' "$(repeat 'x' 8000)"
put $R many-keys "$D"'{%s"TuNgay":"2022-05-01","DenNgay":"2022-05-31"}' "$(for i in $(seq 1 500); do printf '"k%d":%d,' "$i" "$i"; done)"

# ---- fuzz_content_type: the header value -----------------------------------
T=fuzz_content_type
put $T plain 'application/json'
put $T charset 'application/json; charset=utf-8'
put $T upper 'APPLICATION/JSON;CHARSET=UTF-8'
put $T blanks ' \tapplication/json \t; x=y'
put $T suffix 'application/jsonp'
put $T patch 'application/json-patch+json'
put $T problem 'application/problem+json'
put $T text-json 'text/json'
put $T list 'application/json, text/html'
put $T empty ''
put $T semicolon ';'
put $T prefix-only 'application/'
put $T nul-after 'application/json\0; evil'
put $T latin1 'application/js\xf6n'
put $T long 'application/json; %s' "$(repeat 'a=b;' 2000)"

# ---- fuzz_date: the date string (and, first 10 bytes, a time and offset) ---
Y=fuzz_date
for d in 2022-05-01 2024-02-29 2023-02-29 2000-02-29 1900-02-29 2100-02-29 \
         2400-02-29 1000-01-01 0999-12-31 0000-00-00 9999-12-30 9999-12-31 \
         2022-13-01 2022-00-01 2022-01-00 2022-01-32 2022-04-31 2022-06-31 \
         2022-09-31 2022-11-31 2022-12-31 1970-01-01 1969-12-31 1582-10-10 \
         2038-01-19 2022-5-01x 2022/05/01 20220501xx 2022-05-1 ' 2022-05-1' \
         '2022-05-01 ' +022-05-01 -022-05-01 2022--5-01 0x16-05-01; do
    put $Y "date-${d//\//_}" '%s' "$d"
done
put $Y nul-inside '2022-05\x0001'
put $Y nul-last '2022-05-0\0'
put $Y high-bytes '\xb2\xb0\xb2\xb2-\xb0\xb5-\xb0\xb1'
put $Y empty ''
put $Y one-byte '2'
put $Y eleven '2022-05-011'
put $Y time-min '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
put $Y time-max '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'

# ---- fuzz_render: mode byte (0 clean, 1 int, 2/3 rows, 4/5 error) ----------
N=fuzz_render
put $N clean-ascii '\x00Cong thong tin'
put $N clean-vietnamese '\x00Th\xc3\xa0nh ph\xe1\xbb\x91 Thanh H\xc3\xb3a'
put $N clean-latin1 '\x00Th\xe0nh ph\xf4'
put $N clean-truncated '\x00ab\xe1\xba'
put $N clean-overlong '\x00\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf'
put $N clean-surrogate '\x00\xed\xa0\x80\xed\xbf\xbf'
put $N clean-beyond-10ffff '\x00\xf4\x90\x80\x80\xf5\x80\x80\x80'
put $N clean-max '\x00\xf4\x8f\xbf\xbf\xef\xbf\xbf'
put $N clean-c0-c1 '\x00\xc0\x80\xc1\xbf'
put $N clean-nul '\x00a\0b\0'
put $N clean-continuations '\x00\x80\x80\xbf'
put $N clean-emoji '\x00\xf0\x9f\x98\x80'
put $N clean-controls '\x00\x01\x1f\x7f'
for v in 42 -7 42.000 42. 42.5 - '' 9223372036854775807 9223372036854775808 \
         -9223372036854775808 -9223372036854775809 0x10 ' 1' +1 1e3 00012 \
         .5 -0 0.0.0 '42 '; do
    put $N "int-$(printf '%s' "$v" | od -An -tx1 | tr -d ' \n')" '\x01%s' "$v"
done
put $N rows-district '\x02380\x00Th\xc3\xa0nh ph\xe1\xbb\x91\x001\x00Portal\x00212\x00'
put $N rows-district-null-id '\x02\xff\x00Name\x001\x00Portal\x005\x00380\x00N\x002\x00P\x00\xff\x00'
put $N rows-district-bad-id '\x02abc\x00Name\x001\x00Portal\x005\x00'
put $N rows-district-decimal '\x02380\x00Name\x001\x00Portal\x0012.000\x00'
put $N rows-commune '\x03531\x00Trang x\xc3\xa3 Nga \xc4\x90i\xe1\xbb\x81n\x003\x00'
put $N rows-commune-latin1 '\x03531\x00Nga \xd0i\xean\x003\x00'
put $N rows-commune-controls '\x03531\x00a\x01b\x1fc\x7f"\\\\/\x003\x00'
put $N rows-commune-null-count '\x03531\x00Name\x00\xff\x00'
put $N rows-commune-null-name '\x03531\x00\xff\x003\x00'
put $N rows-commune-big '\x039223372036854775807\x00N\x00-9223372036854775808\x00'
put $N error-plain '\x04the body is not valid JSON'
put $N error-invalid-utf8 '\x05near \x27\xff\xfe\x27'
put $N error-quotes '\x04"quoted" \\ back\\slash \x01'

# ---- fuzz_sql: nparams byte (mod 4), then the SQL ----------------------------
S=fuzz_sql
put $S default-district '\x02SELECT d.id, d.name, s.id, s.name, (SELECT COUNT(*) FROM articles a WHERE a.site_id = s.id AND a.status = 1 AND a.is_deleted = 0 AND a.published_at >= %%s AND a.published_at < %%s) FROM sites s JOIN districts d ON d.id = s.district_id WHERE s.commune_id IS NULL ORDER BY d.id, s.id'
put $S default-commune '\x03SELECT s.id, s.name FROM (SELECT CAST(%%s AS UNSIGNED) AS huyen, CAST(%%s AS DATETIME) AS tu, CAST(%%s AS DATETIME) AS den) p JOIN sites s ON s.district_id = p.huyen'
put $S exists '\x01SELECT 1 FROM districts WHERE id = %%s'
put $S like-escaped "\\x01SELECT 1 FROM t WHERE name LIKE '%%%%x%%%%' AND id = %%s"
put $S like-unescaped "\\x01SELECT 1 FROM t WHERE name LIKE '%%x%%' AND id = %%s"
put $S date-format "\\x02SELECT DATE_FORMAT(d, '%%Y-%%m') FROM t WHERE a >= %%s AND a < %%s"
put $S question '\x01SELECT 1 FROM t WHERE id = ?'
put $S question-quoted "\\x01SELECT '?', \"?\", \`?\` FROM t WHERE id = %%s"
put $S question-escaped-quote "\\x01SELECT 'it\\\\'s ?' FROM t WHERE id = %%s"
put $S unterminated-quote "\\x01SELECT 'abc\\\\"
put $S typed '\x03SELECT %%hhd, %%lld, %%pDt'
put $S percent-end '\x00SELECT 100%%'
put $S percent-digit '\x00SELECT %%1'
put $S empty '\x00'
put $S blank '\x00   '

# ---- fuzz_config: directive byte (mod 12), variant byte, argument ----------
G=fuzz_config
put $G query-exists '\x00\x02SELECT 1 FROM districts WHERE id = %%s'
put $G query-wrong-count '\x00\x00SELECT %%s'
put $G query-question '\x00\x01SELECT ?, %%s, %%s, %%s'
for v in 3660 0 -1 64 63 1048576 1048577 31536000 31536001 \
         99999999999999999999 ' 42' +42 '42 ' 0x10 1e3 '' -0; do
    h=$(printf '%s' "$v" | od -An -tx1 | tr -d ' \n')
    for n in 0 1 2 5; do
        put $G "dir-number-$n-$h" '\x01'"$(hexbyte "$n")"'%s' "$v"
    done
    put $G "attempts-$h" '\x03\x00%s' "$v"
    for k in 0 1 2 3 4 5; do
        put $G "server-number-$k-$h" '\x05'"$(hexbyte "$k")"'%s' "$v"
    done
    put $G "site-id-$h" '\x06\x00%s' "$v"
done
put $G site-host '\x07\x00ngadien.ngason.thanhhoa.gov.vn\x00531'
put $G site-host-upper '\x07\x00NgaDien.VN\x00531'
put $G site-host-bad-id '\x07\x00host\x00-1'
put $G site-host-no-id '\x07\x00host'
put $G robots '\x08\x00bot|crawl|spider'
put $G robots-none '\x08\x00NONE'
for v in +07:00 -05:30 +0700 UTC utc Z z +14:00 +14:59 +15:00 +7:00 \
         +07:0 +07:000 07:00 -00:00 '+07:60' '+0' '' '+' '-1:00'; do
    put $G "utc-$(printf '%s' "$v" | od -An -tx1 | tr -d ' \n')" '\x09\x00%s' "$v"
done
put $G cache-none '\x0a\x00none'
put $G cache-shmcb '\x0a\x00shmcb:/run/apache2/newsapi(8388608)'
put $G cache-unknown '\x0a\x00foo:bar'
put $G cache-colon '\x0a\x00:'
put $G cache-empty '\x0a\x00'
put $G count-visits '\x0b\x01'

for d in "$C"/*/; do
    echo "$(basename "$d"): $(find "$d" -type f | wc -l) seeds"
done
