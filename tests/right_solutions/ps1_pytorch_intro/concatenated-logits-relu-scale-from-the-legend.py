# Right solution: evaluate concatenates every batch's logits and labels, takes F.cross_entropy over the concatenation, and counts correct predictions as an integer (isolates the loss half of the concatenation approach from the float32 accuracy mean); RELU_SCALE written as the plot legend prints it, 1.41 (the legend labels sqrt(2) with format .3g)
# %% classifier_solution 3
model.eval()
all_logits, all_labels = [], []
with torch.no_grad():
    for X, y in loader:
        all_logits.append(model(X.to(device)))
        all_labels.append(y.to(device))
logits = torch.cat(all_logits)
labels = torch.cat(all_labels)
mean_loss = F.cross_entropy(logits, labels).item()
num_correct = (logits.argmax(dim=1) == labels).sum().item()
return mean_loss, num_correct / labels.numel()
# %% relu_scale
RELU_SCALE = 1.41
