package verify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/tokenscope/tokenscope/detectors/scope"
)

// AWS STS GetCallerIdentity needs no permission and works even when
// explicitly denied:
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
// Signature Version 4: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
func init() {
	register(&Verifier{
		Name:     "aws",
		Provider: "AWS",
		RuleIDs:  []string{"aws-access-key", "aws-profile-secret-key"},
		Hosts:    []string{"sts.amazonaws.com"},
		Request:  "POST https://sts.amazonaws.com/ Action=GetCallerIdentity&Version=2011-06-15, signed with SigV4 (key id from attrs.key_id or access_key_id, AKIA only; the secret signs, it is never sent)",
		Maps: "200: live; Account and Arn in evidence; an Arn ending :root is the account's root user (admin, account-wide, " +
			"can destroy the whole account); an IAM user's rights depend on its policies, which this call does not reveal " +
			"(scope kept). 403 InvalidClientTokenId or SignatureDoesNotMatch: invalid",
		Check: checkAWS,
	})
}

var stsBody = []byte("Action=GetCallerIdentity&Version=2011-06-15")

func checkAWS(ctx context.Context, c *Call, cred Credential) Result {
	const what = "STS GetCallerIdentity"
	keyID := cred.Attrs["key_id"]
	if keyID == "" {
		keyID = cred.Attrs["access_key_id"] // a credentials-file profile
	}
	switch {
	case keyID == "":
		return Unknown("not sent: the finding names no access key id")
	case !strings.HasPrefix(keyID, "AKIA"):
		return Unknown("not sent: temporary (ASIA) keys verify only with their session token")
	}
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: cred.Secret}
	signed := c.WithSigner(func(req *http.Request, body []byte) error {
		sum := sha256.Sum256(body)
		return signer.SignHTTP(req.Context(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now())
	})
	r, err := signed.Post(ctx, "/", stsBody, "Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if err != nil {
		return failed(err)
	}
	switch r.Status {
	case 200:
	case 400, 403:
		var e struct {
			Error struct {
				Code string `xml:"Code"`
			} `xml:"Error"`
		}
		if xml.Unmarshal(r.Body, &e) != nil || e.Error.Code == "" {
			return unexpected(what, r)
		}
		switch e.Error.Code {
		case "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AuthFailure":
			return Invalid(what + ": " + e.Error.Code)
		}
		return Unknown(what + ": error " + clean(e.Error.Code))
	default:
		return unexpected(what, r)
	}
	var id struct {
		Result struct {
			Arn     string `xml:"Arn"`
			Account string `xml:"Account"`
		} `xml:"GetCallerIdentityResult"`
	}
	if err := xml.Unmarshal(r.Body, &id); err != nil || id.Result.Arn == "" {
		return Unknown(what + ": HTTP 200 without an Arn (malformed reply)")
	}
	res := Live(what+": account "+clean(id.Result.Account), "arn "+clean(id.Result.Arn))
	if strings.HasSuffix(id.Result.Arn, ":root") {
		res.Evidence = append(res.Evidence, "the account's root user: every right in the account, no policy can restrict it")
		res.Refine.Access = scope.AccessAdmin
		res.Refine.Reach = scope.ReachAccount
		res.Refine.Destructive = ptr(true)
		res.Refine.DestroysWhat = "the whole AWS account"
	}
	return res
}
