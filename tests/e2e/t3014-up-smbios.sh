#!/usr/bin/env bash
# t3014-up-smbios.sh - SMBIOS strings reach the guest: the demo guest prints
# what it reads from /sys/class/dmi/id. Values with commas cannot inject
# options (doubled in -smbios); the UUID is made once, kept in
# STATE/NAME/uuid, equal in 'argv' before the first 'up' and in every start
# after; smbios.copy_host copies the host's strings, here from a fake
# /sys/class/dmi/id under MVLAUNCH_SYSROOT (this host has no DMI at all).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest
grep -q smbios "$DEMO_GUEST/initrd.img" 2>/dev/null || zcat "$DEMO_GUEST/initrd.img" | grep -aq "smbios:" ||
	skip "the demo guest in $DEMO_GUEST predates the smbios line (make demo-guest rebuilds it)"

serial=$MVLAUNCH_LOGDIR/sm/serial.log
boot() {	# boot the guest, keep its smbios lines in $T/smbios
	rm -f "$serial"
	expect_code 0 "$MVLAUNCH" up sm || return 1
	wait_for "$serial" MVLAUNCH-DEMO-READY 120 || fail "the guest did not come up: $(tail -5 "$serial")"
	grep "MVLAUNCH-DEMO: smbios:" "$serial" | tr -d '\r' >"$T/smbios"
	expect_code 0 "$MVLAUNCH" down --force sm
}

demo_config sm
cat >>"$T/vms/sm.toml" <<'EOT'
[smbios]
manufacturer = "ASUSTeK COMPUTER INC."
product = "ROG STRIX,model=x Z790-E"
version = "Rev 1.xx"
serial = "MT7A1B2C3D"
family = "ROG"
sku = "SKU-42"
bios_vendor = "American Megatrends Inc."
bios_version = "2801"
bios_date = "03/15/2024"
EOT
expect_code 0 "$MVLAUNCH" argv --json sm
uuid=$(jq -r 'index("-uuid") as $i | .[$i + 1]' "$T/out")
[[ $uuid =~ ^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] || fail "argv's -uuid is '$uuid'"
jq -e '.[] | select(. == "type=1,manufacturer=ASUSTeK COMPUTER INC.,product=ROG STRIX,,model=x Z790-E,version=Rev 1.xx,serial=MT7A1B2C3D,sku=SKU-42,family=ROG")' \
	"$T/out" >/dev/null || fail "argv lacks the escaped -smbios type=1: $(jq -c '[.[] | select(startswith("type="))]' "$T/out")"
[ ! -e "$MVLAUNCH_STATEDIR/sm/uuid" ] || fail "'argv' kept a UUID: it must change nothing"

boot
want="MVLAUNCH-DEMO: smbios: vendor 'ASUSTeK COMPUTER INC.' product 'ROG STRIX,model=x Z790-E' version 'Rev 1.xx' serial 'MT7A1B2C3D' family 'ROG' sku 'SKU-42'"
[ "$(sed -n 1p "$T/smbios")" = "$want" ] || fail "the guest read: $(sed -n 1p "$T/smbios")"
want="MVLAUNCH-DEMO: smbios: bios 'American Megatrends Inc.' '2801' '03/15/2024' uuid '$uuid'"
[ "$(sed -n 2p "$T/smbios")" = "$want" ] || fail "the guest read: $(sed -n 2p "$T/smbios")"
[ "$(cat "$MVLAUNCH_STATEDIR/sm/uuid" 2>/dev/null)" = "$uuid" ] || fail "STATE/sm/uuid is not the UUID argv showed"
[ "$(stat -c %a "$MVLAUNCH_STATEDIR/sm")" = 700 ] || fail "the state directory is not 0700"

# kept: a changed machine id (another host's) does not change the UUID
mkdir -p "$T/sys/etc" "$T/sys/sys/class/dmi/id"
echo 00000000000000000000000000000001 >"$T/sys/etc/machine-id"
MVLAUNCH_SYSROOT=$T/sys expect_code 0 "$MVLAUNCH" argv --json sm
[ "$(jq -r 'index("-uuid") as $i | .[$i + 1]' "$T/out")" = "$uuid" ] || fail "the kept UUID changed with the machine id"

# copy_host on a host without DMI (this one): one warning, nothing copied
sed -i '/^\[smbios\]/,$d' "$T/vms/sm.toml"
printf '[smbios]\ncopy_host = true\n' >>"$T/vms/sm.toml"
MVLAUNCH_SYSROOT=$T/nodmi expect_code 0 "$MVLAUNCH" argv --json sm
[ "$(grep -c "smbios.copy_host" "$T/err")" = 1 ] || fail "copy_host without DMI: $(cat "$T/err")"
expect_err "key 'smbios.copy_host': this host has no /sys/class/dmi/id (no SMBIOS tables): nothing to copy"
jq -e '[.[] | select(startswith("type="))] | length == 0' "$T/out" >/dev/null || fail "copy_host without DMI made -smbios"

# copy_host: the host's strings for unset keys; the config's win; a serial root cannot read is a warning
sed -i '/^\[smbios\]/,$d' "$T/vms/sm.toml"
printf '[smbios]\ncopy_host = true\nproduct = "Mine"\nuuid = "9B2E6F1C-3D4A-4B5C-8D7E-0F1A2B3C4D5E"\n' >>"$T/vms/sm.toml"
d=$T/sys/sys/class/dmi/id
echo "Micro-Star International Co., Ltd." >"$d/sys_vendor"
echo "MS-7D25" >"$d/product_name"
echo "1.0" >"$d/product_version"
echo "To be filled by O.E.M." >"$d/product_family"
printf 'bad\001value\n' >"$d/product_sku"
echo "American Megatrends International, LLC." >"$d/bios_vendor"
echo "1.A0" >"$d/bios_version"
echo "11/02/2023" >"$d/bios_date"
fake_root_cgroups "$T/sys"
export MVLAUNCH_SYSROOT=$T/sys
expect_code 0 "$MVLAUNCH" argv --json sm
expect_err "warning: $T/vms/sm.toml:"
expect_err "key 'smbios.copy_host': cannot read '$d/product_serial': No such file or directory; the guest gets QEMU's default"
expect_err "key 'smbios.copy_host': the host's product_sku must be printable ASCII (what firmware tables and Windows show); not copied"
jq -e '.[] | select(. == "type=0,vendor=American Megatrends International,, LLC.,version=1.A0,date=11/02/2023")' "$T/out" >/dev/null ||
	fail "copy_host: no type=0 from the host: $(jq -c '[.[] | select(startswith("type="))]' "$T/out")"
jq -e '.[] | select(. == "type=1,manufacturer=Micro-Star International Co.,, Ltd.,product=Mine,version=1.0,family=To be filled by O.E.M.")' \
	"$T/out" >/dev/null || fail "copy_host: no type=1 from the host: $(jq -c '[.[] | select(startswith("type="))]' "$T/out")"
[ "$(jq -r 'index("-uuid") as $i | .[$i + 1]' "$T/out")" = 9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e ] || fail "smbios.uuid not used as given"
boot
grep -qF "product 'Mine'" "$T/smbios" || fail "the guest read: $(cat "$T/smbios")"
grep -qF "vendor 'Micro-Star International Co., Ltd.'" "$T/smbios" || fail "the guest read: $(cat "$T/smbios")"
grep -qF "uuid '9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e'" "$T/smbios" || fail "the guest read: $(cat "$T/smbios")"
unset MVLAUNCH_SYSROOT

# a kept file that is not a UUID stops 'up' and 'argv', naming it
sed -i '/^uuid = /d' "$T/vms/sm.toml"
echo garbage >"$MVLAUNCH_STATEDIR/sm/uuid"
expect_code 1 "$MVLAUNCH" up sm
expect_err "error: '$MVLAUNCH_STATEDIR/sm/uuid' does not hold a UUID: 'garbage' is not a UUID"
no_leftovers sm
# bad values name file, line and key
printf 'bios_date = "2024-03-15"\n' >>"$T/vms/sm.toml"
expect_code 1 "$MVLAUNCH" argv sm
expect_err "sm.toml:$(grep -n '^bios_date' "$T/vms/sm.toml" | cut -d: -f1):1: key 'smbios.bios_date': '2024-03-15' is not a date like \"03/15/2024\""
done_testing
