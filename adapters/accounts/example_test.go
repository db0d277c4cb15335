package accounts_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"golang.org/x/crypto/bcrypt"

	"github.com/fourplusn/fourplusn/adapters/accounts"
	"github.com/fourplusn/fourplusn/adapters/bunstore"
)

// A member's first day: an administrator creates the account, the member
// signs in with the one-time password handed to them, chooses a password
// and starts a session with it.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "accounts")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	store, err := bunstore.Open(ctx, filepath.Join(dir, "pilot.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	a, err := accounts.Open(ctx, store.Bun(), accounts.Options{Cost: bcrypt.MinCost})
	if err != nil {
		log.Fatal(err)
	}

	otp, err := a.Issue(ctx, "li.ming", "gucheng")
	if err != nil {
		log.Fatal(err)
	}
	res, err := a.Login(ctx, "li.ming", otp, "192.0.2.1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("must choose a password:", res.MustChange)

	err = a.SetPassword(ctx, accounts.PasswordChange{Member: "li.ming", Old: otp, New: "123456789"})
	fmt.Println(err)
	if err := a.SetPassword(ctx, accounts.PasswordChange{Member: "li.ming", Old: otp, New: "古城派出所-调解2026"}); err != nil {
		log.Fatal(err)
	}

	res, err = a.Login(ctx, "li.ming", "古城派出所-调解2026", "192.0.2.1")
	if err != nil {
		log.Fatal(err)
	}
	secret, err := a.CreateSession(ctx, res.Member)
	if err != nil {
		log.Fatal(err)
	}
	member, ok, err := a.Session(ctx, secret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in:", member, ok)
	// Output:
	// must choose a password: true
	// password: the password breaks the rules: too_short, common
	// signed in: li.ming true
}
