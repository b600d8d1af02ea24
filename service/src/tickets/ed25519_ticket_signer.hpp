#pragma once
// Ticket codes signed with Ed25519 (OpenSSL). A code is
//   bxt1.<base64url(payload)>.<base64url(signature)>
// where payload is "<ticketCode>|<showId>|<seatId>" (none of them can hold a '|') and the signature
// is Ed25519 over the ASCII bytes "bxt1.<base64url(payload)>", as a JWS signs "header.payload": a
// scanner checks it with the JWK of GET /v1/tickets/public-key and nothing else. Ed25519 is
// deterministic, so a ticket's code is the same every time it is signed.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/ticket_ports.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace boxoffice::tickets {

class Ed25519TicketSigner final : public TicketCodeSigner {
public:
    /// `keyText`: a PEM private key ("-----BEGIN PRIVATE KEY-----", Ed25519) or the base64 /
    /// base64url of the raw 32-byte seed. Throws std::invalid_argument on anything else (the
    /// message never contains the key).
    static std::unique_ptr<Ed25519TicketSigner> fromKeyText(const std::string& keyText);
    /// A fresh random key (the embedded default without a configured key).
    static std::unique_ptr<Ed25519TicketSigner> generate();

    ~Ed25519TicketSigner() override;
    Ed25519TicketSigner(const Ed25519TicketSigner&) = delete;
    Ed25519TicketSigner& operator=(const Ed25519TicketSigner&) = delete;

    std::string sign(const TicketClaims& claims) const override;
    std::optional<TicketClaims> verify(std::string_view code) const override;

    /// The public key as a JWK (RFC 8037: kty OKP, crv Ed25519, x), `kid` its RFC 7638 thumbprint.
    const nlohmann::json& publicJwk() const { return jwk_; }
    const std::string& keyId() const { return kid_; }

private:
    explicit Ed25519TicketSigner(EVP_PKEY* key);

    EVP_PKEY* key_;  // owned
    std::string kid_;
    nlohmann::json jwk_;
};

}  // namespace boxoffice::tickets
