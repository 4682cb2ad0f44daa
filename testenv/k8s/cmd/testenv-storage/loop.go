package main

// The real node's volumes: each local PV is a sparse image file of exactly the claim's size,
// formatted and loop-mounted on the directory the PV names. A full volume is then really full
// (ENOSPC inside the pod), the kubelet's volume stats (statfs of the pod's bind mount) report
// the filesystem's real capacity and usage, and an expansion is the real thing: the image file
// grows, the loop device picks the new size up (losetup -c) and the mounted filesystem is grown
// online, which is what a CSI node plugin does on NodeExpandVolume.
//
// Filesystem: ext4, grown online by resize2fs, where this process holds CAP_SYS_RESOURCE (the
// kernel's ext4 online resize demands it). Sandboxes often drop that capability from the
// bounding set while keeping CAP_SYS_ADMIN; there XFS is used, which xfs_growfs grows online
// with CAP_SYS_ADMIN alone. Claims below XFS's 16 MiB minimum stay ext4 either way.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"k8s.io/klog/v2"
)

const (
	fsExt4 = "ext4"
	fsXFS  = "xfs"
	// The smallest XFS data section mkfs.xfs accepts (4096 blocks of 4 KiB).
	xfsMinBytes = 16 << 20
	capSysResource = 24
	ext4Magic      = 0xEF53
	xfsMagic       = 0x58465342
)

type loopVolumes struct {
	dir string
	fs  string // filesystem for claims of at least xfsMinBytes: ext4 or xfs
}

// chooseFilesystem resolves --volume-fs=auto from this process's effective capabilities.
func chooseFilesystem(flagValue string) string {
	if flagValue != "auto" {
		return flagValue
	}
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
				caps, perr := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
				if perr == nil && caps&(1<<capSysResource) != 0 {
					return fsExt4
				}
			}
		}
	}
	return fsXFS
}

func (l loopVolumes) image(pvName string) string { return filepath.Join(l.dir, pvName+".img") }
func (l loopVolumes) mountPoint(pvName string) string { return filepath.Join(l.dir, pvName) }

// create makes, formats and mounts the image of a new volume; done again after a crash it
// finishes what is missing.
func (l loopVolumes) create(pvName string, size int64) (string, error) {
	img, dir := l.image(pvName), l.mountPoint(pvName)
	if mounted(dir) {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if _, err := os.Stat(img); errors.Is(err, os.ErrNotExist) {
		tmp := img + ".new"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return "", err
		}
		err = f.Truncate(size)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = l.format(tmp, size)
		}
		if err != nil {
			_ = os.Remove(tmp)
			return "", err
		}
		if err := os.Rename(tmp, img); err != nil {
			return "", err
		}
	}
	if err := run(nil, "mount", "-o", "loop", img, dir); err != nil {
		return "", err
	}
	klog.InfoS("loop volume mounted", "pv", pvName, "bytes", size, "fs", fsType(dir))
	return dir, nil
}

func (l loopVolumes) format(img string, size int64) error {
	if l.fs == fsXFS && size >= xfsMinBytes {
		// mkfs.xfs refuses data sections under 300 MB unless it believes fstests runs it; small
		// volumes are what tests fill, so say so.
		return run([]string{"TEST_DIR=1", "TEST_DEV=1", "QA_CHECK_FS=1"}, "mkfs.xfs", "-q", "-f", img)
	}
	// -m 0: no blocks reserved for root, so the claim's size is what the (non-root) pod can fill.
	return run(nil, "mkfs.ext4", "-q", "-F", "-m", "0", img)
}

// grow makes the mounted volume at least size bytes: image, loop device, then the filesystem.
func (l loopVolumes) grow(pvName string, size int64) error {
	img, dir := l.image(pvName), l.mountPoint(pvName)
	st, err := os.Stat(img)
	if err != nil {
		return err
	}
	if !mounted(dir) {
		return fmt.Errorf("%s is not mounted", dir)
	}
	if st.Size() < size {
		if err := os.Truncate(img, size); err != nil {
			return err
		}
	}
	dev, err := loopDevice(img)
	if err != nil {
		return err
	}
	if err := run(nil, "losetup", "-c", dev); err != nil {
		return err
	}
	switch fsType(dir) {
	case fsXFS:
		err = run(nil, "xfs_growfs", dir)
	default:
		err = run(nil, "resize2fs", dev)
	}
	if err != nil {
		return err
	}
	klog.InfoS("loop volume grown online", "pv", pvName, "bytes", size, "fs", fsType(dir), "device", dev)
	return nil
}

// remove unmounts the volume (the loop device goes with it) and deletes the image.
func (l loopVolumes) remove(pvName string) error {
	img, dir := l.image(pvName), l.mountPoint(pvName)
	if mounted(dir) {
		if err := run(nil, "umount", dir); err != nil {
			return err // still in use by a pod being torn down: retried
		}
	}
	if err := os.Remove(img); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.RemoveAll(dir)
}

// isLoopVolume tells the volumes this controller made from older plain directories.
func (l loopVolumes) isLoopVolume(pvName string) bool {
	_, err := os.Stat(l.image(pvName))
	return err == nil
}

func mounted(dir string) bool {
	var here, parent syscall.Stat_t
	if syscall.Stat(dir, &here) != nil || syscall.Stat(filepath.Dir(dir), &parent) != nil {
		return false
	}
	return here.Dev != parent.Dev
}

func fsType(dir string) string {
	var st syscall.Statfs_t
	if syscall.Statfs(dir, &st) != nil {
		return ""
	}
	switch st.Type {
	case xfsMagic:
		return fsXFS
	case ext4Magic:
		return fsExt4
	}
	return fmt.Sprintf("0x%x", st.Type)
}

func loopDevice(img string) (string, error) {
	out, err := exec.Command("losetup", "-n", "-O", "NAME", "-j", img).Output()
	if err != nil {
		return "", fmt.Errorf("losetup -j %s: %v", img, err)
	}
	dev := strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
	if dev == "" {
		return "", fmt.Errorf("no loop device backs %s", img)
	}
	return dev, nil
}

func run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
