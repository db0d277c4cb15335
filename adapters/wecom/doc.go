// Package wecom takes dispute applications from WeCom (企业微信) and WeChat
// groups through a WeCom application's callback, and answers each with a
// tracking code, or with what is missing.
//
// Handler is the callback URL. It answers WeCom's URL verification (a GET
// with msg_signature, timestamp, nonce and echostr), checks every message's
// signature, and decrypts it as WeCom's callback protocol specifies (see
// Crypto, which uses the standard library's primitives and is tested with
// the protocol's published vectors). Every message is then stored as it
// came, before anything else is done with it (an Inbox: bunstore's
// ChannelMessages or memstore's), so that nothing sent is ever lost, even
// when it cannot be parsed; a message WeCom sends again (it retries when an
// answer is slow) is recognised by its MsgId.
//
// A text message is parsed (Parse) for the applicant's name and mobile
// number, the place and what happened, and registered through
// mediation.Service.Register on the WeCom or WeChat channel by the member
// the Handler registers as (the duty watch, typically), who becomes its
// first responder. The reply carries the case's tracking code; a message
// that lacks something is answered with what is missing and an example,
// and stays in the inbox for the duty officers to see.
//
// An image message, when the Handler has Attach and Images, is the photo of
// a dispute its sender applied for: its picture is fetched (PicURLs, from
// the WeCom hosts the deployment names), made fit to keep — no EXIF, so no
// GPS position of where the sender lives — and attached to the case the
// sender's messages last became. A sender with no case yet is asked to
// apply in text first.
package wecom
