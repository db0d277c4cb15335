package wecom

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fourplusn/fourplusn"
)

// The published test vectors of WeCom's callback protocol: the settings and
// requests of the sample programs WeCom ships with its encryption library
// (WXBizMsgCrypt, Sample.py and the other languages' samples).
const (
	sampleToken  = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
	sampleKey    = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
	sampleCorpID = "ww1436e0e65a779aee"

	// Example 1: verifying the callback URL.
	sampleVerifySig   = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
	sampleVerifyTS    = "1476416373"
	sampleVerifyNonce = "47744683"
	sampleEchoStr     = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
	sampleEchoPlain   = "1288432023552776189"

	// Example 2: decrypting a member's message.
	sampleMsgSig   = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
	sampleMsgTS    = "1476422779"
	sampleMsgNonce = "1597212914"
	sampleEncrypt  = "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+"
)

func sampleCrypto(t *testing.T) *Crypto {
	t.Helper()
	c, err := NewCrypto(sampleToken, sampleKey, sampleCorpID)
	require.NoError(t, err)
	return c
}

func TestPublishedVectors(t *testing.T) {
	c := sampleCrypto(t)
	t.Run("verify URL", func(t *testing.T) {
		require.NoError(t, c.Verify(sampleVerifySig, sampleVerifyTS, sampleVerifyNonce, sampleEchoStr))
		plain, err := c.Decrypt(sampleEchoStr)
		require.NoError(t, err)
		assert.Equal(t, sampleEchoPlain, string(plain))
	})
	t.Run("decrypt a message", func(t *testing.T) {
		require.NoError(t, c.Verify(sampleMsgSig, sampleMsgTS, sampleMsgNonce, sampleEncrypt))
		plain, err := c.Decrypt(sampleEncrypt)
		require.NoError(t, err)
		var in incoming
		require.NoError(t, xml.Unmarshal(plain, &in))
		assert.Equal(t, incoming{
			ToUserName: sampleCorpID, FromUserName: "ChenJiaShun", CreateTime: 1476422779,
			MsgType: "text", Content: "你好", MsgID: "1456453720", AgentID: "1000002",
		}, in)
	})
	t.Run("the signature covers every part", func(t *testing.T) {
		assert.ErrorIs(t, c.Verify(sampleMsgSig, "1476422780", sampleMsgNonce, sampleEncrypt), fourplusn.Unauthorized)
		assert.ErrorIs(t, c.Verify(sampleMsgSig, sampleMsgTS, "1597212915", sampleEncrypt), fourplusn.Unauthorized)
		assert.ErrorIs(t, c.Verify(sampleMsgSig, sampleMsgTS, sampleMsgNonce, sampleEchoStr), fourplusn.Unauthorized)
		other, err := NewCrypto("another-token", sampleKey, sampleCorpID)
		require.NoError(t, err)
		assert.ErrorIs(t, other.Verify(sampleMsgSig, sampleMsgTS, sampleMsgNonce, sampleEncrypt), fourplusn.Unauthorized)
		assert.NoError(t, c.Verify(strings.ToUpper(sampleMsgSig), sampleMsgTS, sampleMsgNonce, sampleEncrypt))
	})
}

// TestEncrypt: a reply encrypts to what the protocol's decryption reads
// back, and a message for another receiver is refused.
func TestEncrypt(t *testing.T) {
	c := sampleCrypto(t)
	msg := []byte("<xml><Content><![CDATA[已登记，跟踪码：T1]]></Content></xml>")
	enc := c.encrypt([]byte("0123456789abcdef"), msg)
	assert.Equal(t, enc, c.encrypt([]byte("0123456789abcdef"), msg), "deterministic given the random bytes")
	plain, err := c.Decrypt(enc)
	require.NoError(t, err)
	assert.Equal(t, msg, plain)
	random, err := c.Encrypt(msg)
	require.NoError(t, err)
	assert.NotEqual(t, enc, random)

	elsewhere, err := NewCrypto(sampleToken, sampleKey, "ww0000000000000000")
	require.NoError(t, err)
	_, err = elsewhere.Decrypt(enc)
	assert.ErrorIs(t, err, fourplusn.Unauthorized)

	for _, bad := range []string{"", "not base64!", "AAAA", enc[:len(enc)-8] + "AAAAAAA="} {
		_, err := c.Decrypt(bad)
		assert.Error(t, err, bad)
	}
}

func TestNewCrypto(t *testing.T) {
	for _, tt := range []struct {
		token, key, field string
	}{
		{"", sampleKey, "token"},
		{sampleToken, sampleKey[:42], "encoding_aes_key"},
		{sampleToken, strings.Repeat("!", 43), "encoding_aes_key"},
	} {
		_, err := NewCrypto(tt.token, tt.key, sampleCorpID)
		assert.Equal(t, tt.field, fourplusn.ErrorField(err))
	}
}

// FuzzDecrypt: no ciphertext makes Decrypt panic, and whatever it accepts
// it accepts as Encrypt would have made it.
func FuzzDecrypt(f *testing.F) {
	f.Add(sampleEncrypt)
	f.Add(sampleEchoStr)
	f.Add("")
	c, err := NewCrypto(sampleToken, sampleKey, sampleCorpID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, err := c.Decrypt(s)
		if err != nil {
			return
		}
		again, err := c.Decrypt(c.encrypt(make([]byte, 16), plain))
		if err != nil || string(again) != string(plain) {
			t.Fatalf("round trip of %q: %q, %v", plain, again, err)
		}
	})
}
