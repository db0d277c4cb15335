package wecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fourplusn/fourplusn"
)

// The callback protocol's block: plaintexts are padded (PKCS#7) to a
// multiple of 32 bytes, though AES works on 16.
const padBlock = 32

// ErrSignature reports a request whose msg_signature does not match: it
// did not come from WeCom, or the token is wrong.
var ErrSignature = fourplusn.Errorf(fourplusn.Unauthorized, "wecom: the message signature does not match")

// Crypto signs, encrypts and decrypts callback messages as WeCom's callback
// protocol specifies (企业微信 回调 加解密方案), with the standard library's
// primitives:
//   - the signature is the hexadecimal SHA-1 of token, timestamp, nonce and
//     the encrypted message, sorted as strings and concatenated;
//   - the AES key is the EncodingAESKey, 43 characters of Base64, decoded
//     with a "=" appended: 32 bytes, AES-256; the IV is its first 16 bytes;
//   - a plaintext is 16 random bytes, the message's length as 4 bytes
//     big-endian, the message, and the receiver's ID (the CorpID), padded
//     PKCS#7 to a multiple of 32 bytes and encrypted AES-CBC, then Base64.
type Crypto struct {
	token     string
	key       []byte
	receiveID string
}

// NewCrypto returns a Crypto for an application's callback settings: its
// Token, its EncodingAESKey and the receiver's ID (the CorpID for an
// application of the enterprise itself). Returns Invalid, naming the
// setting, for an empty token or a key that is not 43 characters of Base64
// decoding to 32 bytes.
func NewCrypto(token, encodingAESKey, receiveID string) (*Crypto, error) {
	if token == "" {
		return nil, fourplusn.FieldError("token", "required")
	}
	if len(encodingAESKey) != 43 {
		return nil, fourplusn.FieldError("encoding_aes_key", "must be 43 characters, not %d", len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, fourplusn.FieldError("encoding_aes_key", "not Base64 of a 32-byte key")
	}
	return &Crypto{token: token, key: key, receiveID: receiveID}, nil
}

// Signature returns the msg_signature of a message: the hexadecimal SHA-1
// of token, timestamp, nonce and encrypted, sorted and concatenated.
func Signature(token, timestamp, nonce, encrypted string) string {
	parts := []string{token, timestamp, nonce, encrypted}
	slices.Sort(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// Verify checks signature against the message, in constant time, and
// returns ErrSignature if it does not match.
func (c *Crypto) Verify(signature, timestamp, nonce, encrypted string) error {
	want := Signature(c.token, timestamp, nonce, encrypted)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(signature))) != 1 {
		return ErrSignature
	}
	return nil
}

// Decrypt returns the message encrypted holds. It fails on anything but a
// well-formed ciphertext of this key whose receiver ID is this Crypto's
// (when it has one): a message for another enterprise is refused.
func (c *Crypto) Decrypt(encrypted string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, fmt.Errorf("wecom: ciphertext is not Base64: %w", err)
	}
	if len(data) < padBlock || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("wecom: ciphertext is not a whole number of blocks")
	}
	block, err := aes.NewCipher(c.key)
	if err != nil {
		return nil, fmt.Errorf("wecom: %w", err)
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, c.key[:aes.BlockSize]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > padBlock || pad > len(plain) {
		return nil, errors.New("wecom: bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("wecom: plaintext too short")
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, errors.New("wecom: message length beyond the plaintext")
	}
	msg, receiver := plain[20:20+n], plain[20+n:]
	if c.receiveID != "" && string(receiver) != c.receiveID {
		return nil, fourplusn.Errorf(fourplusn.Unauthorized, "wecom: the message is for another receiver")
	}
	return msg, nil
}

// Encrypt returns msg encrypted for WeCom, with 16 random bytes before it.
func (c *Crypto) Encrypt(msg []byte) (string, error) {
	var random [16]byte
	if _, err := rand.Read(random[:]); err != nil {
		return "", fmt.Errorf("wecom: %w", err)
	}
	return c.encrypt(random[:], msg), nil
}

// encrypt is Encrypt with the random bytes given, so that tests can check
// the protocol's published ciphertexts.
func (c *Crypto) encrypt(random, msg []byte) string {
	var buf bytes.Buffer
	buf.Write(random)
	binary.Write(&buf, binary.BigEndian, uint32(len(msg)))
	buf.Write(msg)
	buf.WriteString(c.receiveID)
	pad := padBlock - buf.Len()%padBlock
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	plain := buf.Bytes()
	block, err := aes.NewCipher(c.key)
	if err != nil {
		panic(err) // the key was checked to be 32 bytes
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, c.key[:aes.BlockSize]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}
