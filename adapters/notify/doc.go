// Package notify makes sure people are told what they must know about
// cases and hazards: nothing waits unseen, nothing is lost.
//
// Who is told what is the domain's to decide: mediation.Notices and
// hazard.Notices derive the notices a change causes from its timeline
// events (the first responder is told of a case's progress until a
// competent handler has accepted it, 首问负责制; the posts that must act
// next are told what waits for them; the duty officers are alerted to what
// is grave), and the Rules' Due say what a deadline calls for. A store
// given those rules (bunstore.DB.EnableOutbox, memstore's EnableOutbox)
// writes the notices of a change into its outbox (package adapters/outbox)
// in the transaction that saves the change. A notification is never sent
// from inside a change: a change that rolls back leaves nothing to send,
// and one that commits leaves its notifications behind for sure.
//
// A Dispatcher then delivers what the Outbox holds to its Notifiers — a
// signed JSON webhook, a WeCom group robot, the log — with retries and
// exponential backoff with jitter. Delivery is at least once: a dispatcher
// that stops between sending and recording sends again, so every message
// carries the notification's Key for the receiver to drop duplicates.
// What could not be delivered stays in the outbox, marked failed, where the
// duty officers see it (Outbox.Failures).
//
// Notifications name their recipients by member or by post (the duty
// officers of a township, the posts of a cell that may accept); the
// Dispatcher resolves them to people through a Directory when it delivers,
// so a notification written before a post changed hands reaches whoever
// holds it when it goes out. Texts carry no personal data: cases are named
// by ID, and phone numbers appear only as mentions in a WeCom group or,
// masked, in the log. The one exception is a notice to a resident's own
// phone (work.Recipient.Phone: a lost tracking code sent again), which a
// township's SMS gateway behind the Webhook texts; the Robot never posts
// it to a group (see ToResident), and the Log masks the number.
package notify
