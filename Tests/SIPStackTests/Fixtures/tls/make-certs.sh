#!/usr/bin/env bash
# Makes the TLS test certificates of Tests/SIPStackTests/Fixtures/tls (see README.md): a test CA,
# a server certificate for 127.0.0.1, ::1 and localhost, a server certificate that names only
# sip.example.test, a client certificate, and a second CA that signed none of them. Every certificate is valid for 100 years (36500 days). EC P-256 keys.
# Run it in this folder; it overwrites the files. Needs only openssl, no network.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
days=36500
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ca() { # ca NAME SUBJECT
    newkey "$1-key.pem"
    openssl req -x509 -new -key "$1-key.pem" -sha256 -days "$days" -subj "$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$1.pem"
}

leaf() { # leaf NAME SUBJECT EXTENSIONS
    newkey "$1-key.pem"
    openssl req -new -key "$1-key.pem" -subj "$2" -out "$work/$1.csr"
    printf '%s\n' "$3" >"$work/$1.ext"
    openssl x509 -req -in "$work/$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -CAserial "$work/ca.srl" \
        -sha256 -days "$days" -extfile "$work/$1.ext" -out "$1.pem"
}

ca ca "/O=SwiftSIP tests/CN=SwiftSIP test CA"
ca other-ca "/O=SwiftSIP tests/CN=SwiftSIP other test CA"
leaf server "/O=SwiftSIP tests/CN=localhost" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost"
leaf named "/O=SwiftSIP tests/CN=sip.example.test" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:sip.example.test"
leaf client "/O=SwiftSIP tests/CN=door.client.test" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
# The CA signing keys are not needed again: rerun the script for new certificates.
rm -f ca-key.pem other-ca-key.pem
openssl verify -CAfile ca.pem server.pem named.pem client.pem
