// Command testenv-storage is a fake volume provisioner for the kwok-based test
// cluster (see ../../../cluster.sh).
//
// kwok simulates nodes and pods but nothing provisions, attaches or resizes
// volumes, so a PVC would stay Pending forever and so would any StatefulSet
// pod that uses it. This controller plays the part of a CSI driver plus its
// external-provisioner and external-resizer sidecars, for every StorageClass
// whose provisioner is --provisioner:
//
//   - provision: an unbound PVC of such a class (for WaitForFirstConsumer
//     classes only once the scheduler has picked a node) gets a PV of exactly
//     the requested size, pre-bound to it; the PV controller then binds them;
//   - delete: a Released PV that it provisioned with reclaimPolicy Delete is
//     deleted (Retain leaves it alone, as a real driver would);
//   - expand: a bound PVC whose request grows (the class must set
//     allowVolumeExpansion) gets its PV capacity and its own status.capacity
//     raised, which is what a resize looks like once it has completed.
//
// For kwok nodes the PVs are hostPath volumes under a path that nothing ever
// creates: no kubelet runs there, so nothing mounts them and no data is ever
// written. The path is outside /tmp on purpose: the in-tree hostPath deleter
// only removes paths under /tmp, so even a misconfigured class cannot make the
// controller manager delete files.
//
// For the real node (--local-node, a WaitForFirstConsumer class whose claim
// the scheduler put there) the PV is a `local` volume with node affinity to
// that node: the kubelet applies fsGroup ownership to local volumes (not to
// hostPath), so non-root pods can write. Its directory under --local-path is
// the mount point of an image file of exactly the claim's size (loop.go), so
// the volume really fills up, the kubelet's volume stats are the volume's own,
// and an expansion grows the mounted filesystem online. Deleting such a PV
// unmounts it and removes the image.
//
// It talks only to the API server named in --kubeconfig.
package main

import (
	"context"
	"flag"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

const (
	// Annotations shared with the in-tree PV controller and the scheduler.
	annProvisionedBy = "pv.kubernetes.io/provisioned-by"
	annSelectedNode  = "volume.kubernetes.io/selected-node"
	annBetaClass     = "volume.beta.kubernetes.io/storage-class"
)

type controller struct {
	client      kubernetes.Interface
	provisioner string
	pathPrefix  string
	localNode   string
	localPath   string
	loops       *loopVolumes
	pvcs        corelisters.PersistentVolumeClaimLister
	pvs         corelisters.PersistentVolumeLister
	classes     storagelisters.StorageClassLister
	// Keys are "pvc/<namespace>/<name>" or "pv/<name>", so one queue and one
	// worker serve both kinds and never race with themselves.
	queue workqueue.TypedRateLimitingInterface[string]
}

func main() {
	klog.InitFlags(nil)
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	provisioner := flag.String("provisioner", "testenv.tradingdb.io/hostpath", "StorageClass provisioner name to serve")
	pathPrefix := flag.String("path-prefix", "/var/lib/tradingdb-testenv/fake-volumes", "hostPath prefix written into PVs (never created)")
	localNode := flag.String("local-node", "", "real node whose claims get local volumes")
	localPath := flag.String("local-path", "", "directory on this machine holding the local volumes")
	volumeFS := flag.String("volume-fs", "auto", "filesystem of the local volumes: ext4, xfs, or auto (ext4 when online resize2fs is permitted, see loop.go)")
	flag.Parse()

	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("kubeconfig: %v", err)
	}
	cfg.UserAgent = "testenv-storage"
	client := kubernetes.NewForConfigOrDie(cfg)

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	factory := informers.NewSharedInformerFactory(client, 10*time.Minute)
	c := &controller{
		client:      client,
		provisioner: *provisioner,
		pathPrefix:  *pathPrefix,
		localNode:   *localNode,
		localPath:   *localPath,
		pvcs:        factory.Core().V1().PersistentVolumeClaims().Lister(),
		pvs:         factory.Core().V1().PersistentVolumes().Lister(),
		classes:     factory.Storage().V1().StorageClasses().Lister(),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[string](),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "testenv-storage"}),
	}
	enqueue := func(prefix string) cache.ResourceEventHandlerFuncs {
		add := func(obj interface{}) {
			if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
				c.queue.Add(prefix + key)
			}
		}
		return cache.ResourceEventHandlerFuncs{
			AddFunc:    add,
			UpdateFunc: func(_, obj interface{}) { add(obj) },
		}
	}
	_, _ = factory.Core().V1().PersistentVolumeClaims().Informer().AddEventHandler(enqueue("pvc/"))
	_, _ = factory.Core().V1().PersistentVolumes().Informer().AddEventHandler(enqueue("pv/"))
	// A PVC created before its class would otherwise wait for the resync.
	_, _ = factory.Storage().V1().StorageClasses().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(interface{}) { c.enqueueAllClaims() },
	})
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			klog.Fatalf("cache for %v did not sync", typ)
		}
	}
	if c.localNode != "" {
		c.loops = &loopVolumes{dir: c.localPath, fs: chooseFilesystem(*volumeFS)}
		klog.InfoS("local volumes are loop-mounted images", "dir", c.localPath, "fs", c.loops.fs)
	}
	klog.InfoS("started", "provisioner", c.provisioner)
	go wait.UntilWithContext(ctx, c.worker, time.Second)
	<-ctx.Done()
	c.queue.ShutDown()
}

func (c *controller) enqueueAllClaims() {
	claims, _ := c.pvcs.List(labels.Everything())
	for _, pvc := range claims {
		c.queue.Add("pvc/" + pvc.Namespace + "/" + pvc.Name)
	}
}

func (c *controller) worker(ctx context.Context) {
	for {
		key, quit := c.queue.Get()
		if quit {
			return
		}
		var err error
		switch {
		case len(key) > 4 && key[:4] == "pvc/":
			err = c.syncClaim(ctx, key[4:])
		case len(key) > 3 && key[:3] == "pv/":
			err = c.syncVolume(ctx, key[3:])
		}
		if err != nil {
			klog.ErrorS(err, "sync failed, will retry", "key", key)
			c.queue.AddRateLimited(key)
		} else {
			c.queue.Forget(key)
		}
		c.queue.Done(key)
	}
}

// ourClass returns the claim's StorageClass if this controller serves it.
func (c *controller) ourClass(pvc *v1.PersistentVolumeClaim) *storagev1.StorageClass {
	name := pvc.Annotations[annBetaClass]
	if pvc.Spec.StorageClassName != nil {
		name = *pvc.Spec.StorageClassName
	}
	if name == "" {
		return nil
	}
	sc, err := c.classes.Get(name)
	if err != nil || sc.Provisioner != c.provisioner {
		return nil
	}
	return sc
}

func (c *controller) syncClaim(ctx context.Context, key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return nil
	}
	pvc, err := c.pvcs.PersistentVolumeClaims(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if pvc.DeletionTimestamp != nil {
		return nil
	}
	sc := c.ourClass(pvc)
	if sc == nil {
		return nil
	}
	if pvc.Spec.VolumeName == "" {
		return c.provision(ctx, pvc, sc)
	}
	return c.expand(ctx, pvc, sc)
}

func (c *controller) provision(ctx context.Context, pvc *v1.PersistentVolumeClaim, sc *storagev1.StorageClass) error {
	if sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer &&
		pvc.Annotations[annSelectedNode] == "" {
		return nil // the scheduler picks the node first, as with a real driver
	}
	size, ok := pvc.Spec.Resources.Requests[v1.ResourceStorage]
	if !ok || size.IsZero() {
		klog.InfoS("claim has no storage request, not provisioning", "pvc", klog.KObj(pvc))
		return nil
	}
	reclaim := v1.PersistentVolumeReclaimDelete
	if sc.ReclaimPolicy != nil {
		reclaim = *sc.ReclaimPolicy
	}
	pvName := "pvc-" + string(pvc.UID)
	source := v1.PersistentVolumeSource{
		HostPath: &v1.HostPathVolumeSource{Path: c.pathPrefix + "/" + pvName},
	}
	var affinity *v1.VolumeNodeAffinity
	if node := pvc.Annotations[annSelectedNode]; c.localNode != "" && node == c.localNode {
		dir, err := c.loops.create(pvName, size.Value())
		if err != nil {
			return err
		}
		source = v1.PersistentVolumeSource{Local: &v1.LocalVolumeSource{Path: dir}}
		affinity = &v1.VolumeNodeAffinity{Required: &v1.NodeSelector{NodeSelectorTerms: []v1.NodeSelectorTerm{{
			MatchExpressions: []v1.NodeSelectorRequirement{{
				Key: "kubernetes.io/hostname", Operator: v1.NodeSelectorOpIn, Values: []string{node},
			}},
		}}}}
	}
	pv := &v1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name:        pvName,
			Annotations: map[string]string{annProvisionedBy: c.provisioner},
		},
		Spec: v1.PersistentVolumeSpec{
			Capacity:                      v1.ResourceList{v1.ResourceStorage: size},
			AccessModes:                   pvc.Spec.AccessModes,
			VolumeMode:                    pvc.Spec.VolumeMode,
			StorageClassName:              sc.Name,
			PersistentVolumeReclaimPolicy: reclaim,
			MountOptions:                  sc.MountOptions,
			// Pre-binding makes the PV controller bind exactly this pair.
			ClaimRef: &v1.ObjectReference{
				Kind:       "PersistentVolumeClaim",
				APIVersion: "v1",
				Namespace:  pvc.Namespace,
				Name:       pvc.Name,
				UID:        pvc.UID,
			},
			PersistentVolumeSource: source,
			NodeAffinity:           affinity,
		},
	}
	_, err := c.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err == nil {
		klog.InfoS("provisioned", "pvc", klog.KObj(pvc), "pv", pvName, "size", size.String())
	}
	return err
}

func (c *controller) expand(ctx context.Context, pvc *v1.PersistentVolumeClaim, sc *storagev1.StorageClass) error {
	pv, err := c.pvs.Get(pvc.Spec.VolumeName)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if pv.Annotations[annProvisionedBy] != c.provisioner || pv.Spec.ClaimRef == nil || pv.Spec.ClaimRef.UID != pvc.UID {
		return nil
	}
	want := pvc.Spec.Resources.Requests[v1.ResourceStorage]
	have := pv.Spec.Capacity[v1.ResourceStorage]
	if want.Cmp(have) > 0 {
		if sc.AllowVolumeExpansion == nil || !*sc.AllowVolumeExpansion {
			return nil // the API server already refuses such an update; be safe
		}
		if pv.Spec.Local != nil && c.loops != nil && c.loops.isLoopVolume(pv.Name) {
			// The filesystem grows first: the PV's capacity only ever says what the pod can use.
			if err := c.loops.grow(pv.Name, want.Value()); err != nil {
				return err
			}
		}
		pv = pv.DeepCopy()
		pv.Spec.Capacity[v1.ResourceStorage] = want
		if pv, err = c.client.CoreV1().PersistentVolumes().Update(ctx, pv, metav1.UpdateOptions{}); err != nil {
			return err
		}
		klog.InfoS("expanded volume", "pv", pv.Name, "from", have.String(), "to", want.String())
		have = want
	}
	// Report the finished resize on the claim, once it is bound.
	if pvc.Status.Phase != v1.ClaimBound {
		return nil
	}
	cur := pvc.Status.Capacity[v1.ResourceStorage]
	if cur.Cmp(have) >= 0 && len(pvc.Status.AllocatedResourceStatuses) == 0 {
		return nil
	}
	pvc = pvc.DeepCopy()
	pvc.Status.Capacity = setStorage(pvc.Status.Capacity, have)
	if pvc.Status.AllocatedResources != nil {
		pvc.Status.AllocatedResources = setStorage(pvc.Status.AllocatedResources, have)
	}
	pvc.Status.AllocatedResourceStatuses = nil
	var conds []v1.PersistentVolumeClaimCondition
	for _, cond := range pvc.Status.Conditions {
		if cond.Type != v1.PersistentVolumeClaimResizing && cond.Type != v1.PersistentVolumeClaimFileSystemResizePending {
			conds = append(conds, cond)
		}
	}
	pvc.Status.Conditions = conds
	_, err = c.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).UpdateStatus(ctx, pvc, metav1.UpdateOptions{})
	if err == nil && cur.Cmp(have) != 0 {
		klog.InfoS("claim capacity updated", "pvc", klog.KObj(pvc), "capacity", have.String())
	}
	return err
}

func setStorage(list v1.ResourceList, q resource.Quantity) v1.ResourceList {
	out := v1.ResourceList{}
	for k, v := range list {
		out[k] = v
	}
	out[v1.ResourceStorage] = q
	return out
}

func (c *controller) syncVolume(ctx context.Context, name string) error {
	pv, err := c.pvs.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if pv.Annotations[annProvisionedBy] != c.provisioner || pv.DeletionTimestamp != nil {
		return nil
	}
	if pv.Status.Phase != v1.VolumeReleased || pv.Spec.PersistentVolumeReclaimPolicy != v1.PersistentVolumeReclaimDelete {
		return nil
	}
	if local := pv.Spec.Local; local != nil && c.localPath != "" &&
		strings.HasPrefix(local.Path, filepath.Clean(c.localPath)+"/") {
		if c.loops != nil && c.loops.isLoopVolume(pv.Name) {
			if err := c.loops.remove(pv.Name); err != nil {
				return err
			}
		} else if err := os.RemoveAll(local.Path); err != nil {
			return err
		}
	}
	err = c.client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{UID: &pv.UID},
	})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	if err == nil {
		klog.InfoS("deleted released volume", "pv", pv.Name)
	}
	return err
}
