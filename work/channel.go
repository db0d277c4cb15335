package work

import (
	"fmt"

	"github.com/fourplusn/fourplusn"
)

// Channel is how a dispute or a hazard reached the grid.
type Channel uint8

// The intake channels the seed names. Do not reorder: stored values are
// these names.
const (
	ChannelGridHead  Channel = iota + 1 // through a level 3, 4 or 5 grid head
	ChannelOnline                       // a resident's online self-service application
	ChannelWeCom                        // a WeCom (企业微信) group
	ChannelWeChat                       // a community or village WeChat group
	ChannelPolice                       // the community police officer (一村一警)
	ChannelWalkIn                       // a walk-in at the station or office
	ChannelReferral                     // referred by a court or the police
	ChannelScreening                    // the grid's own screening: the "whistle" (吹哨)
	numChannels
)

var channelNames = [...]string{"", "grid_head", "online", "wecom", "wechat", "police", "walk_in", "referral", "screening"}

// Channels lists every channel, in order.
func Channels() []Channel {
	out := make([]Channel, 0, numChannels-1)
	for c := ChannelGridHead; c < numChannels; c++ {
		out = append(out, c)
	}
	return out
}

// String returns the channel's stable name.
func (c Channel) String() string {
	if c.Valid() {
		return channelNames[c]
	}
	return fmt.Sprintf("channel(%d)", c)
}

var channelTitles = [...]string{"", "网格长上报", "在线申请", "企业微信", "微信群", "社区民警", "来访", "移送", "主动排查（吹哨）"}

// Title returns the channel's name in Chinese; its stable name if c is
// no channel.
func (c Channel) Title() string {
	if c.Valid() {
		return channelTitles[c]
	}
	return c.String()
}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return c >= ChannelGridHead && c < numChannels }

// ParseChannel reads a channel's stable name.
func ParseChannel(s string) (Channel, error) {
	for c := ChannelGridHead; c < numChannels; c++ {
		if channelNames[c] == s {
			return c, nil
		}
	}
	return 0, fourplusn.FieldError("channel", "unknown channel %q", s)
}

// Source is where a case came from, as monthly reports count it.
type Source string

// The sources of a case.
const (
	SourceOwn         Source = "own"         // the grid's own initiative: screening, a grid head's report
	SourceApplication Source = "application" // a party applied
	SourceReferral    Source = "referral"    // a court or the police referred it
)

// Source returns the source a channel counts as.
func (c Channel) Source() Source {
	switch c {
	case ChannelScreening, ChannelGridHead:
		return SourceOwn
	case ChannelReferral:
		return SourceReferral
	}
	return SourceApplication
}
